import type { CodeInfo, Fix } from '@cms-doctor/core';

/** What can stop a live MMP collection; none is a fault of the deployment, so each is `error`. */
export const MMP_SSH_CODES: readonly CodeInfo[] = [
  {
    code: 'cms/mmp-host-key-unknown',
    title: 'The MMP host key is not known: no command was sent',
    status: 'error',
    fixes: ['mmp-ssh-host-key'],
    basis: 'documented',
  },
  {
    code: 'cms/mmp-host-key-changed',
    title: 'The MMP host key differs from the pinned or known key: no command was sent',
    status: 'error',
    fixes: ['mmp-ssh-host-key'],
    basis: 'documented',
  },
  {
    code: 'cms/mmp-login-failed',
    title: 'The MMP refused the SSH login',
    status: 'error',
    fixes: ['mmp-ssh-access'],
    basis: 'documented',
  },
  {
    code: 'cms/mmp-unreachable',
    title: 'No SSH session could be opened to the MMP',
    status: 'error',
    fixes: ['mmp-ssh-access'],
    basis: 'documented',
  },
  {
    code: 'cms/mmp-incomplete',
    title: 'The MMP did not finish a status command before its deadline',
    status: 'error',
    fixes: [],
    basis: 'documented',
  },
  {
    code: 'cms/mmp-file-missing',
    title: 'An MMP service names a certificate or key file that `pki list` does not list',
    status: 'warn',
    fixes: ['mmp-certificate-files'],
    basis: 'inferred',
  },
];

export const MMP_SSH_FIXES: readonly Fix[] = [
  {
    id: 'mmp-ssh-host-key',
    title: 'Check the MMP host key out of band, then pin it',
    steps: [
      'On the CMS console (not over the network you are testing) read the SSH host key fingerprint, or ask the administrator who installed it.',
      'Compare it with the fingerprint cms-doctor shows. Only if they match, pin it: --cms-ssh-host-key SHA256:... (or add the host to ~/.ssh/known_hosts with ssh-keyscan and check the fingerprint with ssh-keygen -lf).',
      'A key that changed without a reinstall or a key regeneration on CMS is a reason to stop: someone may be between you and the MMP.',
    ],
    reference: 'OpenSSH ssh(1), VERIFYING HOST KEYS; cms-doctor docs/findings/cms/mmp-host-key-unknown.md',
  },
  {
    id: 'mmp-ssh-access',
    title: 'Give cms-doctor an MMP login it can use',
    steps: [
      'Check the address and port of the MMP (SSH on the CMS management interface) and that a firewall lets you reach it.',
      'Use an MMP user that can run status commands (the MMP `user add` roles): a password through --cms-ssh-password-file or CMS_DOCTOR_CMS_SSH_PASSWORD, a key through --cms-ssh-key, or the SSH agent.',
      'Or collect the screens by hand (webbridge, callbridge, license, xmpp multi_domain list) and give the text to cms-doctor triage.',
    ],
    reference: 'shared/reference/cms-expressway-facts.md §3 (MMP over SSH, user roles)',
  },
  {
    id: 'mmp-certificate-files',
    title: 'Upload the certificate and key files the MMP services name',
    steps: [
      'Upload the missing file to the MMP over SFTP (the same login as the MMP), with the exact name the service shows.',
      'Run `pki list` and check that it is listed under "User supplied certificates and keys".',
      "Assign it again with the service's certs or trust command (e.g. `webbridge trust callbridge.cer`), then restart the service (`callbridge restart`, `webbridge3 restart`).",
    ],
    reference:
      'Cisco TAC 217320 (pki list and certificate upload over SFTP); the source document, MMP webbridge and callbridge configuration',
  },
];
