import type { Basis, Status } from '@cms-doctor/core';

/**
 * A log signature: which lines mean what. Data, so the catalogue can be listed,
 * documented and benchmarked (`bench/run.js` rows `logs-sparse`/`logs-dense` build their
 * `grep -cE` baseline from the anchors, `ANCHORS`).
 */
export interface Signature {
  id: string;
  /**
   * `problem` lines become findings; `timeline` lines only build a call's story
   * (guest login to failure) for the problem findings that name the call.
   */
  role: 'problem' | 'timeline';
  /**
   * Literal substrings, at least one of which every line `pattern` matches holds as
   * written (ignoring ASCII case when `pattern` has the `i` flag). They are the byte
   * prefilter: one pass finds them all, ignoring case, and it skips ahead by about the
   * length of the shortest anchor of the catalogue, so keep every anchor 7 bytes or longer.
   */
  anchors: readonly string[];
  pattern: RegExp;
  /** Problem code; `self` means an info finding under the log check's own code. */
  code?: string;
  status?: Extract<Status, 'fail' | 'warn' | 'info'>;
  fixes?: readonly string[];
  /** Title template; `{name}` is a named group of `pattern`, `{count}` the number of lines. */
  title?: string;
  /** Named groups that split one signature into separate findings (e.g. per host). */
  key?: readonly string[];
  basis: Basis;
  /** Where the line and its meaning come from. */
  source: string;
  /** What the timeline line says happened (timeline role). */
  event?: 'login' | 'guest-created' | 'login-ok' | 'allocated' | 'media' | 'teardown';
}

const DOC = 'source document (proxy WebRTC dual domain), Troubleshoot';
const TZ210800 = 'Cisco TAC 210800 (CMS WebRTC proxy over Expressway), troubleshooting';
const TZ215662 =
  'Cisco TAC 215662, Explanation and work-around on CSCvt73723 (WebRTC server leaking sessions), https://www.cisco.com/c/en/us/support/docs/conferencing/meeting-server/215662-explanation-and-work-around-on-cscvt7372.html';

export const SIGNATURES: readonly Signature[] = [
  {
    id: 'webbridge-connection-failed',
    role: 'problem',
    anchors: ['Web bridge connection to'],
    pattern: /Web bridge connection to "(?<host>[^"]*)" failed \((?<reason>[^)]*)\)/,
    code: 'webbridge/callbridge-connect-failure',
    status: 'fail',
    fixes: ['webbridge-url', 'webbridge-callbridge-trust'],
    key: ['host', 'reason'],
    title: 'Web bridge connection to "{host}" failed ({reason})',
    basis: 'documented',
    source: `${DOC} 1 (fault condition, connect failure); ${TZ210800} (DNS failure)`,
  },
  {
    id: 'webbridge-name-resolution',
    role: 'problem',
    anchors: ['web bridge link'],
    pattern: /web bridge link (?<link>\d+): name resolution for "(?<host>[^"]*)" failed/,
    code: 'webbridge/callbridge-connect-failure',
    status: 'fail',
    fixes: ['webbridge-url', 'webbridge-callbridge-trust'],
    key: ['host'],
    title: 'The call bridge cannot resolve the web bridge name "{host}"',
    basis: 'documented',
    source: TZ210800,
  },
  {
    id: 'webbridge-link-failed',
    role: 'problem',
    anchors: ['failed to establish connection to web bridge link'],
    pattern: /failed to establish connection to web bridge link (?<link>\d+) \((?<reason>[^)]*)\)/,
    code: 'webbridge/callbridge-connect-failure',
    status: 'fail',
    fixes: ['webbridge-url', 'webbridge-callbridge-trust'],
    key: ['reason'],
    title: 'The call bridge failed to connect to a web bridge link ({reason})',
    basis: 'documented',
    source: TZ210800,
  },
  {
    // TAC 215662: "[DEBUGGING] Stats 149" means the Web Bridge hit its hard limit and no new
    // connections are allowed (leaked sessions, CSCvt73723, or real load). 149 is that limit.
    id: 'webbridge-session-limit',
    role: 'problem',
    anchors: ['[DEBUGGING] Stats'],
    pattern: /\[DEBUGGING\] Stats (?<sessions>149|1[5-9]\d|[2-9]\d\d|\d{4,}), c:\d+, d:\d+/,
    code: 'cms/webbridge-session-limit',
    status: 'warn',
    title: 'The web bridge reports {sessions} sessions, its hard limit ({count} line(s))',
    basis: 'documented',
    source: TZ215662,
  },
  {
    id: 'ice-relay-candidate-timeout',
    role: 'problem',
    anchors: ['ICE failure; relay candidate creation timeout'],
    pattern: /call (?<call>\d+): ICE failure; relay candidate creation timeout/,
    code: 'turn/relay-candidate-timeout',
    status: 'fail',
    fixes: ['turn-credentials', 'firewall-turn'],
    title: 'CMS could not create a TURN relay candidate ({count} call(s))',
    basis: 'documented',
    source: `${DOC} 4 (media never flows)`,
  },
  {
    id: 'ice-unauthorized',
    role: 'problem',
    anchors: ['ICE failure 4 (unauthorized - check credentials)'],
    pattern: /call (?<call>\d+): ICE failure 4 \(unauthorized - check credentials\)/,
    code: 'turn/credentials-rejected',
    status: 'fail',
    fixes: ['turn-credentials'],
    title: 'The TURN server rejected the CMS credentials ({count} call(s))',
    basis: 'documented',
    source: TZ210800,
  },
  {
    // Other ICE failure wordings are not documented anywhere we found; the meaning is inferred.
    id: 'ice-failure-other',
    role: 'problem',
    anchors: ['ICE failure'],
    pattern: /call (?<call>\d+): ICE failure(?! 4 \(unauthorized)(?!; relay candidate creation timeout)(?<rest>[^\n]{0,120})/,
    code: 'cms/ice-failure',
    status: 'fail',
    fixes: ['firewall-turn', 'turn-credentials'],
    title: 'ICE failed on {count} call(s)',
    basis: 'inferred',
    source: 'inferred from the documented ICE failure lines',
  },
  {
    id: 'license-expired',
    role: 'problem',
    anchors: ['licence', 'license'],
    pattern: /licen[cs]e[^\n]{0,40}?\b(?<state>expired|not activated|grace period)/i,
    code: 'cms/license-inactive',
    status: 'fail',
    fixes: ['callbridge-license'],
    title: 'CMS logs a licence problem ({state})',
    basis: 'inferred',
    source: 'inferred: no verbatim CMS licence-expiry log line was found (facts §2.2 NOT FOUND)',
  },
  {
    id: 'license-missing-feature',
    role: 'problem',
    anchors: ['-- no license'],
    pattern: /unable to apply (?<what>\w+) \(space '(?<space>[^']*)'\) -- no license/,
    code: 'self',
    status: 'info',
    key: ['what'],
    title: 'CMS could not apply a {what}: no licence for it ({count} time(s))',
    basis: 'field',
    source: 'Cisco TAC 221729 (CMS Edge) log',
  },
  {
    id: 'xmpp-failure',
    role: 'problem', // Anchored on the failure words rather than "xmpp": 4 bytes would slow the prefilter.
    anchors: [
      'authentication fail',
      'registration fail',
      'connection lost',
      'connection failed',
      'connection refused',
      'unable to connect',
      'disconnected',
    ],
    pattern:
      /xmpp[^\n]{0,60}\b(?<what>authentication fail\w*|registration fail\w*|connection (?:lost|failed|refused)|unable to connect|disconnected)/i,
    code: 'cms/alarm-xmpp-registration',
    status: 'fail',
    fixes: ['cms-xmpp-registration'],
    key: ['what'],
    title: 'CMS logs an XMPP problem ({what})',
    basis: 'inferred',
    source:
      'inferred: the alarm types xmppRegistrationFailure/xmppAuthenticationRegistrationFailure are documented, their log text was not found',
  },
  {
    id: 'sign-in-rejected',
    role: 'problem',
    anchors: ['rejecting login attempt from user'],
    pattern: /rejecting login attempt from user '(?<user>[^']*)' -- (?<why>.*)$/,
    code: 'self',
    status: 'info',
    key: ['why'],
    title: 'CMS rejected {count} sign-in attempt(s): {why}',
    basis: 'field',
    source: 'Cisco TAC 221573 (web app SSO)',
  },
  // Timeline lines: the guest's way from login to a call.
  {
    id: 'guest-login',
    role: 'timeline',
    event: 'login',
    anchors: ['uest login request'],
    pattern: /(?:new [gq]uest login request (?<req>\d+) received|guest login request (?<req2>\d+): )/,
    basis: 'documented',
    source: `${DOC} 4; Cisco TAC 221729`,
  },
  {
    id: 'guest-created',
    role: 'timeline',
    event: 'guest-created',
    anchors: ['created guest account with user ID'],
    pattern: /created guest account with user ID "(?<user>[^"]+)"/,
    basis: 'documented',
    source: `${DOC} 4`,
  },
  {
    id: 'guest-login-ok',
    role: 'timeline',
    event: 'login-ok',
    anchors: ['successful login request from'],
    pattern: /(?<!un)successful login request from (?<user>\S+)/,
    basis: 'documented',
    source: `${DOC} 4`,
  },
  {
    id: 'call-allocated',
    role: 'timeline',
    event: 'allocated',
    anchors: [': allocated for'],
    pattern: /call (?<call>\d+): allocated for (?<user>[^\s"/]+)/,
    basis: 'documented',
    source: `${DOC} 4`,
  },
  {
    id: 'call-media',
    role: 'timeline',
    event: 'media',
    anchors: ['setting up combined RTP session', 'starting DTLS combined media'],
    pattern: /call (?<call>\d+): (?:setting up combined RTP session|starting DTLS combined media)/,
    basis: 'documented',
    source: `${DOC} 4; Cisco TAC 221729`,
  },
  {
    id: 'call-teardown',
    role: 'timeline',
    event: 'teardown',
    anchors: [': tearing down'],
    pattern: /call (?<call>\d+): tearing down/,
    basis: 'documented',
    source: 'Cisco TAC 221729, 217249',
  },
];

/** Every distinct anchor of the catalogue (the byte-level prefilter). */
export const ANCHORS: readonly string[] = [...new Set(SIGNATURES.flatMap((s) => s.anchors))];
