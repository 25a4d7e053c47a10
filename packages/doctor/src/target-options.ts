import type { Options } from 'yargs';

/**
 * The target options of the contract, one table: flag name, yargs definition, and the
 * Target field it fills. Config file keys and CMS_DOCTOR_* variables use the same names.
 */
export interface TargetOption {
  flag: string;
  field: string;
  def: Options;
}

const str = (describe: string, extra: Options = {}): Options => ({ type: 'string', describe, group: 'Target:', ...extra });

export const TARGET_OPTIONS: readonly TargetOption[] = [
  { flag: 'external', field: 'external', def: str('External web bridge name guests browse to, e.g. cmsweb.octavio.com') },
  { flag: 'external-domain', field: 'externalDomain', def: str('External domain (default: the parent of --external)') },
  { flag: 'internal-domain', field: 'internalDomain', def: str('Internal domain, e.g. cms.octavio.local') },
  { flag: 'internal-dns', field: 'internalDns', def: str('Resolver of the internal view, ip[:port]') },
  { flag: 'external-dns', field: 'externalDns', def: str('Resolver of the external view, ip[:port] (default: the system resolver)') },
  { flag: 'edge', field: 'edge', def: str('Expressway-E web proxy as guests reach it, host[:port] (default: external DNS answer, 443)') },
  { flag: 'edge-nat-address', field: 'edgeNatAddress', def: str('Expressway-E public (static NAT) address') },
  {
    flag: 'edge-internal-address',
    field: 'edgeInternalAddress',
    def: str('Expressway-E inside (LAN) address, to recognise a DNS hairpin'),
  },
  { flag: 'cms-address', field: 'cmsAddress', def: str('CMS web bridge address inside') },
  {
    flag: 'webbridge',
    field: 'webbridge',
    def: str('CMS web bridge as Expressway-C reaches it, host[:port] (default: internal DNS answer, 443)'),
  },
  { flag: 'turn', field: 'turn', def: str('TURN server as guests reach it, host[:port] (default: the edge address, 3478)') },
  { flag: 'turn-tls-port', field: 'turnTlsPort', def: { type: 'number', describe: 'TURN over TLS port (default 443)', group: 'Target:' } },
  { flag: 'turn-user', field: 'turnUser', def: str('TURN username (default: the one configured on CMS, read through --cms-api)') },
  { flag: 'turn-password-file', field: 'turnPassword', def: str('File holding the TURN password (or set CMS_DOCTOR_TURN_PASSWORD)') },
  {
    flag: 'turn-tcp-expected',
    field: 'turnTcpExpected',
    def: { type: 'boolean', describe: 'TURN on TCP 3478 / TLS must answer (a fail instead of a warning)', group: 'Target:' },
  },
  { flag: 'media-port-range', field: 'mediaPortRange', def: str('Media port range opened on the firewall (default 24000-29999)') },
  { flag: 'cms-api', field: 'cmsApi', def: str('CMS REST API base URL, e.g. https://admin.cms.octavio.local:445') },
  { flag: 'cms-user', field: 'cmsUser', def: str('CMS API user') },
  { flag: 'cms-password-file', field: 'cmsPassword', def: str('File holding the CMS API password (or set CMS_DOCTOR_CMS_PASSWORD)') },
  {
    flag: 'cms-ssh',
    field: 'cmsSsh',
    def: str('CMS MMP over SSH, user@host[:port]: reads webbridge, callbridge, license, xmpp and pki screens (read-only allow-list)'),
  },
  {
    flag: 'cms-ssh-password-file',
    field: 'cmsSshPassword',
    def: str('File holding the MMP password (or set CMS_DOCTOR_CMS_SSH_PASSWORD); or use --cms-ssh-key or the SSH agent'),
  },
  { flag: 'cms-ssh-key', field: 'cmsSshKey', def: str('Private key file for the MMP login (OpenSSH or PEM format)') },
  {
    flag: 'cms-ssh-key-passphrase-file',
    field: 'cmsSshKeyPassphrase',
    def: str('File holding the passphrase of --cms-ssh-key (or set CMS_DOCTOR_CMS_SSH_KEY_PASSPHRASE)'),
  },
  {
    flag: 'cms-ssh-host-key',
    field: 'cmsSshHostKey',
    def: {
      type: 'string',
      array: true,
      describe: 'Pin the MMP host key, SHA256:... as ssh-keygen -lf prints it (otherwise ~/.ssh/known_hosts; an unknown key sends nothing)',
      group: 'Target:',
    },
  },
  {
    flag: 'cms-ssh-known-hosts',
    field: 'cmsSshKnownHosts',
    def: str('known_hosts file for the MMP host key (default ~/.ssh/known_hosts)'),
  },
  { flag: 'cms-version', field: 'cmsVersion', def: str('CMS version when the API cannot be asked, e.g. 2.9.1') },
  { flag: 'expressway-api', field: 'expresswayApi', def: str('Expressway-E REST API base URL') },
  { flag: 'expressway-user', field: 'expresswayUser', def: str('Expressway API user') },
  {
    flag: 'expressway-password-file',
    field: 'expresswayPassword',
    def: str('File holding the Expressway password (or set CMS_DOCTOR_EXPRESSWAY_PASSWORD)'),
  },
  {
    flag: 'cert-password-file',
    field: 'certPassword',
    def: str('File holding the password of PKCS#12 (.p12/.pfx) files given to triage (or set CMS_DOCTOR_CERT_PASSWORD)'),
  },
  {
    flag: 'ca',
    field: 'ca',
    def: { type: 'string', array: true, describe: 'Extra trusted CA certificate file (PEM); repeatable', group: 'Target:' },
  },
  {
    flag: 'insecure',
    field: 'insecure',
    def: {
      type: 'boolean',
      describe:
        'Do not verify the CMS API certificate, and allow a plain http:// API URL that sends the password in clear (reported in the output)',
      group: 'Target:',
    },
  },
  {
    flag: 'chromium',
    field: 'chromium',
    def: str('Chromium executable for verify and run --browser (default /usr/bin/chromium, from the Debian package chromium)'),
  },
];

/** Secret fields: flag of the file option, env variable, prompt text. */
export const SECRETS = [
  { field: 'turnPassword', fileFlag: 'turn-password-file', env: 'CMS_DOCTOR_TURN_PASSWORD', userField: 'turnUser', what: 'TURN password' },
  { field: 'cmsPassword', fileFlag: 'cms-password-file', env: 'CMS_DOCTOR_CMS_PASSWORD', userField: 'cmsUser', what: 'CMS API password' },
  {
    field: 'expresswayPassword',
    fileFlag: 'expressway-password-file',
    env: 'CMS_DOCTOR_EXPRESSWAY_PASSWORD',
    userField: 'expresswayUser',
    what: 'Expressway password',
  },
  {
    field: 'cmsSshPassword',
    fileFlag: 'cms-ssh-password-file',
    env: 'CMS_DOCTOR_CMS_SSH_PASSWORD',
    // Not asked for: a key or the SSH agent may log in instead.
    userField: undefined,
    what: 'MMP password',
  },
  { field: 'cmsSshKey', fileFlag: 'cms-ssh-key', env: 'CMS_DOCTOR_CMS_SSH_KEY', userField: undefined, what: 'MMP private key' },
  {
    field: 'cmsSshKeyPassphrase',
    fileFlag: 'cms-ssh-key-passphrase-file',
    env: 'CMS_DOCTOR_CMS_SSH_KEY_PASSPHRASE',
    userField: undefined,
    what: 'MMP private key passphrase',
  },
  {
    field: 'certPassword',
    fileFlag: 'cert-password-file',
    env: 'CMS_DOCTOR_CERT_PASSWORD',
    userField: undefined,
    what: 'PKCS#12 password',
  },
] as const;

/** Flags people might try that would put a password on the command line. */
export const FORBIDDEN_FLAGS = [
  'password',
  'turn-password',
  'cms-password',
  'expressway-password',
  'cert-password',
  'cms-ssh-password',
  'cms-ssh-key-passphrase',
  'turnPassword',
  'cmsPassword',
  'expresswayPassword',
  'certPassword',
  'cmsSshPassword',
  'cmsSshKeyPassphrase',
];

export const envName = (flag: string): string => `CMS_DOCTOR_${flag.toUpperCase().replace(/-/g, '_')}`;
