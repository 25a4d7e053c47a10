import type { Secret } from './secret.js';

/** Everything the user told us about one deployment. Addresses are data until a probe targets them. */
export interface Target {
  /** The external web bridge name, e.g. `cmsweb.octavio.com`. */
  external?: string;
  externalDomain?: string;
  internalDomain?: string;
  /** Resolver of the internal view, `ip[:port]`. */
  internalDns?: string;
  /** Resolver of the external view, `ip[:port]`; the system resolver when absent. */
  externalDns?: string;
  /** Expressway-E web proxy as clients reach it, `host[:port]`. */
  edge?: string;
  edgeNatAddress?: string;
  /** The Expressway-E's own inside (LAN) address: an internal DNS answer equal to it is a hairpin. */
  edgeInternalAddress?: string;
  cmsAddress?: string;
  /** The CMS web bridge as Expressway-C reaches it, `host[:port]`; default: the internal DNS answer, port 443. */
  webbridge?: string;
  /** TURN server as clients reach it, `host[:port]`. */
  turn?: string;
  turnTlsPort?: number;
  /** Transports to probe; all of udp, tcp, tls when absent. */
  turnTransports?: readonly ('udp' | 'tcp' | 'tls')[];
  turnUser?: string;
  turnPassword?: Secret;
  /** TURN over TCP 3478 / TLS is expected to answer (CMS tcpPortNumberOverride or the user says so). */
  turnTcpExpected?: boolean;
  /** Media port range the firewall is opened for, default 24000-29999. */
  mediaPortRange?: readonly [number, number];
  cmsApi?: string;
  cmsUser?: string;
  cmsPassword?: Secret;
  /** Known CMS version, when the API cannot be asked. */
  cmsVersion?: string;
  expresswayApi?: string;
  expresswayUser?: string;
  expresswayPassword?: Secret;
  /** The CMS MMP over SSH, `user@host[:port]`: status screens read with a read-only allow-list. */
  cmsSsh?: string;
  cmsSshPassword?: Secret;
  /** A private key's text (read from --cms-ssh-key) and its passphrase. */
  cmsSshKey?: Secret;
  cmsSshKeyPassphrase?: Secret;
  /** Pinned host key fingerprints, `SHA256:...`; otherwise the known_hosts file decides. */
  cmsSshHostKey?: readonly string[];
  /** known_hosts to check the MMP host key against; default ~/.ssh/known_hosts. */
  cmsSshKnownHosts?: string;
  /** SSH agent socket (SSH_AUTH_SOCK) to authenticate with. */
  cmsSshAgent?: string;
  /** Password of PKCS#12 files given to triage. */
  certPassword?: Secret;
  /** Extra trust anchors, PEM file paths. */
  ca?: readonly string[];
  insecure?: boolean;
  /** Chromium executable for the browser area (default: Debian's /usr/bin/chromium). */
  chromium?: string;
}

export type TargetKey = keyof Target;

export const DEFAULT_MEDIA_PORT_RANGE = [24000, 29999] as const;
