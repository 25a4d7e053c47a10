import type { Basis, Evidence, FindingDraft } from '@cms-doctor/core';
import { certificateEvidence, type Certificate } from './certificate.js';
import { buildPath, type PathResult } from './chain.js';
import { WEAK_HASHES } from './algorithms.js';
import { commonNameOf, coverage, type NameCoverage } from './names.js';
import type { TrustStore } from './trust-store.js';
import { ekuProblem, keyUsageProblem } from './usage.js';
import { revocationEvidence } from './revocation.js';

export interface EvaluateOptions {
  store: TrustStore;
  /** The name the certificate must cover (the web bridge FQDN); none = no SAN verdict. */
  name?: string;
  /** Names reported present/absent but not required. */
  optionalNames?: readonly string[];
  now?: Date;
  /** Warn this many days before expiry (default 30). */
  expiringDays?: number;
  /** More certificates that may issue (other files of a bundle); not judged themselves unless on the path. */
  pool?: readonly Certificate[];
  /** Minimum RSA/DSA modulus (default 2048). */
  minRsaBits?: number;
  /**
   * Judge Key Usage and Extended Key Usage for a TLS server (default: when `name` is
   * given, i.e. the certificate is presented for that name).
   */
  serverUsage?: boolean;
}

/** One verdict about a presented chain; a FindingDraft with a problem code. */
export type Verdict = FindingDraft & { code: string; status: 'fail' | 'warn'; fixes: string[]; basis: Basis };

export interface Evaluation {
  /** Every certificate as presented, in order: the evidence behind the verdicts. */
  chain: Evidence[];
  path: PathResult;
  verdicts: Verdict[];
  /** Required name first, then the optional ones. */
  names: NameCoverage[];
  /** That revocation was not checked, and where it could be (CRL/OCSP URLs of the path). */
  revocation: Evidence;
}

const DAY = 86_400_000;
const TRUSTED_CA_FIX = ['edge-cert-trusted-ca'];
const SERVER_USAGE_FIX = ['cert-server-usage'];

/**
 * Judges a chain as a browser would, plus strength warnings. Pure: the trust
 * store and the clock are inputs, so real-data tests can replay a past moment.
 */
export function evaluateChain(presented: readonly Certificate[], opts: EvaluateOptions): Evaluation {
  const now = opts.now ?? new Date();
  const leaf = presented[0];
  if (!leaf) throw new Error('evaluateChain: no certificate');
  const path = buildPath(presented, opts.store, opts.pool);
  const verdicts: Verdict[] = [];
  const v = (
    code: string,
    status: Verdict['status'],
    title: string,
    detail: string,
    subject: string,
    fixes = TRUSTED_CA_FIX,
    basis: Basis = 'documented',
  ): void => {
    verdicts.push({ code, status, title, detail, subject, fixes, basis });
  };

  const names: NameCoverage[] = [];
  if (opts.name) {
    const c = coverage(opts.name, leaf.sans, commonNameOf(leaf.subject));
    names.push(c);
    if (!c.covered) {
      const sanList =
        leaf.sans
          .map((s) => `${s.type}:${s.value}`)
          .slice(0, 20)
          .join(', ') || 'none';
      v(
        'cert/san-missing',
        'fail',
        `The certificate does not cover ${opts.name}`,
        `Subject alternative names: ${sanList}${leaf.sans.length > 20 ? ` (+${leaf.sans.length - 20} more)` : ''}.${c.note ? ` ${c.note}.` : ''}`,
        opts.name,
        ['edge-cert-san'],
      );
    }
  }
  for (const n of opts.optionalNames ?? []) names.push(coverage(n, leaf.sans));

  if (leaf.selfSigned) {
    v(
      'cert/self-signed',
      'fail',
      'The certificate is self-signed',
      `${leaf.subject} is signed by its own key${opts.store.has(leaf) ? ' (trusted here only because it was given as a CA; browsers of guests will not trust it)' : ''}.`,
      leaf.subject,
    );
  } else if (path.end === 'untrusted-root') {
    const top = path.path[path.path.length - 1]!;
    v(
      'cert/untrusted',
      'fail',
      'The certificate chain ends at a root that is not trusted',
      `The chain ends at ${top.subject}, which is neither one of Node's ${opts.store.sources.bundled} bundled roots nor in the CA files given${opts.store.sources.files.length ? ` (${opts.store.sources.files.join(', ')})` : ''}.`,
      leaf.subject,
    );
  } else if (path.end === 'issuer-missing' && path.path.length > 1) {
    // The server sent its intermediates; what is missing is the root above them, which
    // servers need not send: an unknown or private root, not an incomplete chain.
    const top = path.path[path.path.length - 1]!;
    v(
      'cert/untrusted',
      'fail',
      'The certificate chain ends at an issuer that is not trusted',
      `The chain ends at ${top.subject}, issued by ${path.missingIssuer}, which is neither one of Node's ${opts.store.sources.bundled} bundled roots nor in the CA files given${opts.store.sources.files.length ? ` (${opts.store.sources.files.join(', ')})` : ''}. If it is a private CA, give its root with --ca.`,
      leaf.subject,
    );
  } else if (path.end === 'issuer-missing') {
    const top = path.path[path.path.length - 1]!;
    v(
      'cert/chain-incomplete',
      'fail',
      'The issuer of the certificate is neither sent nor trusted',
      `${top.subject} is issued by ${path.missingIssuer}, which the server did not send and which is not a trusted root. If it is an intermediate the server must send it after the leaf; if it is a private CA, give it with --ca.`,
      leaf.subject,
    );
  }

  const checked = [...path.path, ...path.unused];
  for (const c of checked) {
    const position = presented.indexOf(c);
    const who =
      position === 0
        ? 'The certificate'
        : position > 0
          ? `Certificate #${position} (${c.subject})`
          : `Issuer ${c.subject}${c.source ? ` from ${c.source}` : ''}`;
    if (now < c.notBefore)
      v(
        'cert/not-yet-valid',
        'fail',
        `${who} is not valid yet`,
        `Valid from ${c.notBefore.toISOString()}; now is ${now.toISOString()}. Check the clock of both sides.`,
        c.subject,
      );
    else if (now > c.notAfter)
      v(
        'cert/expired',
        'fail',
        `${who} has expired`,
        `Expired ${c.notAfter.toISOString()} (${Math.floor((now.getTime() - c.notAfter.getTime()) / DAY)} days ago).`,
        c.subject,
      );
    else if (path.path.includes(c) && c.notAfter.getTime() - now.getTime() < (opts.expiringDays ?? 30) * DAY) {
      v(
        'cert/expiring-soon',
        'warn',
        `${who} expires soon`,
        `Expires ${c.notAfter.toISOString()} (in ${Math.floor((c.notAfter.getTime() - now.getTime()) / DAY)} days).`,
        c.subject,
        TRUSTED_CA_FIX,
        'inferred',
      );
    }
    // A root's signature on itself is not checked by clients, so only non-roots can be weakly signed.
    const rootLike = c.selfSigned && c.isCa;
    const sig = c.signatureAlgorithm;
    if (!rootLike && sig.hash && WEAK_HASHES.has(sig.hash)) {
      v(
        'cert/weak-signature',
        'warn',
        `${who} is signed with ${sig.hash.toUpperCase()}`,
        `Signature algorithm ${sig.name}; browsers reject ${sig.hash.toUpperCase()} signatures on server certificates and intermediates.`,
        c.subject,
        TRUSTED_CA_FIX,
        'field',
      );
    }
    // Usage is judged on the leaf (EKU and Key Usage) and on the CAs the path goes
    // through (EKU chaining); a trust anchor's own EKU is not judged.
    if (opts.serverUsage ?? opts.name !== undefined) {
      const onPath = path.path.includes(c);
      const problems = [
        onPath && (c === leaf || (!c.selfSigned && c !== path.anchor)) ? ekuProblem(c, who) : undefined,
        c === leaf ? keyUsageProblem(c, who) : undefined,
      ];
      for (const p of problems) if (p) v(p.code, p.status, p.title, p.detail, c.subject, SERVER_USAGE_FIX, 'field');
    }
    const k = c.publicKey;
    const min = opts.minRsaBits ?? 2048;
    const weak =
      k.type === 'rsa' || k.type === 'rsa-pss' || k.type === 'dsa' ? (k.bits ?? 0) < min : k.type === 'ec' ? (k.bits ?? 0) < 256 : false;
    if (weak)
      v(
        'cert/weak-key',
        'warn',
        `${who} has a weak ${k.type.toUpperCase()} key`,
        `${k.type} ${k.bits ?? '?'} bits${k.curve ? ` (${k.curve})` : ''}; use RSA 2048+ or ECDSA P-256+.`,
        c.subject,
        TRUSTED_CA_FIX,
        'field',
      );
  }

  const fromPool = path.path.filter((c) => !presented.includes(c)).map((c) => ({ ...certificateEvidence(c), fromPool: true }));
  return {
    chain: [...presented.map((c, i) => certificateEvidence(c, i)), ...fromPool],
    path,
    verdicts,
    names,
    revocation: revocationEvidence(path.path, path.anchor),
  };
}

/** Evidence summarising the path a client would build. */
export function pathEvidence(p: PathResult, presented: readonly Certificate[]): Evidence {
  return {
    kind: 'certificate-path',
    end: p.end,
    path: p.path.map((c) => (presented.includes(c) ? presented.indexOf(c) : (c.source ?? c.subject))),
    ...(p.anchor ? { anchor: { subject: p.anchor.subject, sha256: p.anchor.sha256, sentByServer: presented.includes(p.anchor) } } : {}),
    ...(p.unused.length ? { unused: p.unused.map((c) => presented.indexOf(c)) } : {}),
    ...(p.missingIssuer ? { missingIssuer: p.missingIssuer } : {}),
  };
}
