import { CORE_CODES, emitterFor, type Basis, type Evidence, type FindingDraft, type Status } from '@cms-doctor/core';
import { certificateEvidence, type Certificate } from './certificate.js';
import { buildPath, type PathResult } from './chain.js';
import { WEAK_HASHES } from './algorithms.js';
import { CERT_CODES } from './codes.js';
import { commonNameOf, coverage, type NameCoverage } from './names.js';
import type { TrustStore } from './trust-store.js';
import { ekuProblem, keyUsageProblem } from './usage.js';
import { revocationEvidence } from './revocation.js';

export interface EvaluateOptions {
  store: TrustStore;
  /** The name the certificate must cover (the web bridge FQDN); none = no SAN verdict. */
  name?: string;
  /** Where `name` came from, for the detail (e.g. `--external`). */
  nameFrom?: string;
  /** Where the chain came from, for the detail: a file, or `host:port (SNI name)`. */
  where?: string;
  /**
   * Whether this is the Expressway-E certificate for the web bridge name (default true).
   * Only then do verdicts carry the edge fixes (edge-cert-san, edge-cert-trusted-ca):
   * for any other certificate the box to change is not the Expressway-E.
   */
  edge?: boolean;
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
/** The fixes that change the Expressway-E: only for a certificate judged as the edge's. */
export const EDGE_FIXES: ReadonlySet<string> = new Set(['edge-cert-san', 'edge-cert-trusted-ca']);
const emit = emitterFor(CORE_CODES, CERT_CODES);

/** The anchors consulted, as a phrase: where the trust side of a verdict came from. */
const anchorsPhrase = (store: TrustStore): string =>
  `neither one of Node's ${store.sources.bundled} bundled roots nor in the CA files given${store.sources.files.length ? ` with --ca (${store.sources.files.join(', ')})` : ' (no --ca)'}`;

/**
 * Judges a chain as a browser would, plus strength warnings. Pure: the trust
 * store and the clock are inputs, so real-data tests can replay a past moment.
 */
export function evaluateChain(presented: readonly Certificate[], opts: EvaluateOptions): Evaluation {
  const now = opts.now ?? new Date();
  const leaf = presented[0];
  if (!leaf) throw new Error('evaluateChain: no certificate');
  const path = buildPath(presented, opts.store, opts.pool);
  const edge = opts.edge ?? true;
  const where = opts.where ? ` (${opts.where})` : '';
  const verdicts: Verdict[] = [];
  const v = (code: string, subject: string, detail: string, status?: Status): void => {
    const draft = emit(code, { subject, detail, ...(status ? { status } : {}) });
    const fixes = (draft.fixes ?? []).filter((f) => edge || !EDGE_FIXES.has(f));
    verdicts.push({ ...draft, fixes } as Verdict);
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
      const sanText = leaf.sans.length
        ? ` Its subject alternative names: ${sanList}${leaf.sans.length > 20 ? ` (+${leaf.sans.length - 20} more)` : ''}.`
        : leaf.hasSanExtension
          ? ' Its subject alternative name extension is present but empty (RFC 5280 4.2.1.6 requires at least one name).'
          : '';
      const note = c.note ? ` ${c.note.charAt(0).toUpperCase()}${c.note.slice(1)}.` : '';
      v(
        'cert/san-missing',
        opts.name,
        `${opts.name}${opts.nameFrom ? ` (from ${opts.nameFrom})` : ''} is not covered by the certificate ${leaf.subject || '(empty subject)'}${where}.${sanText}${note}`,
      );
    }
  }
  for (const n of opts.optionalNames ?? []) names.push(coverage(n, leaf.sans));

  // One trust verdict, chosen by what the path shows: the leaf signed by its own key, a
  // root that is not an anchor, or an issuer that is neither sent nor an anchor.
  if (leaf.selfSigned) {
    v(
      'cert/self-signed',
      leaf.subject,
      `${leaf.subject || '(empty subject)'}${where} is signed by its own key (its public key verifies its signature)${opts.store.has(leaf) ? "; it is trusted here only because it was given with --ca, guests' browsers will not trust it" : ''}.`,
    );
  } else if (path.end === 'untrusted-root') {
    const top = path.path[path.path.length - 1]!;
    v(
      'cert/untrusted',
      leaf.subject,
      `The chain${where} ends at the root ${top.subject} (SHA-256 ${top.sha256}${top.source ? `, from ${top.source}` : ''}), which is ${anchorsPhrase(opts.store)}.`,
    );
  } else if (path.end === 'issuer-missing' && path.path.length > 1) {
    // The server sent its intermediates; what is missing is the root above them, which
    // servers need not send: an unknown or private root, not an incomplete chain.
    const top = path.path[path.path.length - 1]!;
    v(
      'cert/untrusted',
      leaf.subject,
      `The chain${where} ends at ${top.subject}, issued by ${path.missingIssuer}, which is ${anchorsPhrase(opts.store)}. The intermediates were sent; if that root is a private CA, give it with --ca.`,
    );
  } else if (path.end === 'issuer-missing') {
    const top = path.path[path.path.length - 1]!;
    v(
      'cert/chain-incomplete',
      leaf.subject,
      top.caIssuers.length
        ? `${top.subject}${where} is issued by ${path.missingIssuer}, which was not sent with it and is ${anchorsPhrase(opts.store)}. The certificate publishes its issuer at ${top.caIssuers.join(', ')} (Authority Information Access): an intermediate CA, which the server must send after the leaf.`
        : `${top.subject}${where} is issued by ${path.missingIssuer}, which was not sent with it and is ${anchorsPhrase(opts.store)}. The certificate does not say where its issuer is published, so two cases remain: an intermediate the server must send after the leaf, or a private CA to give with --ca.`,
    );
  }

  const checked = [...path.path, ...path.unused];
  for (const c of checked) {
    const position = presented.indexOf(c);
    const who =
      position === 0
        ? `The certificate ${c.subject || '(empty subject)'}${where}`
        : position > 0
          ? `Certificate #${position} (${c.subject})${where}`
          : `Issuer ${c.subject}${c.source ? ` from ${c.source}` : ''}`;
    if (now < c.notBefore)
      v(
        'cert/not-yet-valid',
        c.subject,
        `${who} is valid from ${c.notBefore.toISOString()}; now is ${now.toISOString()} (this machine's clock). Check the clock of both sides.`,
      );
    else if (now > c.notAfter)
      v(
        'cert/expired',
        c.subject,
        `${who} expired ${c.notAfter.toISOString()} (${Math.floor((now.getTime() - c.notAfter.getTime()) / DAY)} days before ${now.toISOString()}, this machine's clock).`,
      );
    else if (path.path.includes(c) && c.notAfter.getTime() - now.getTime() < (opts.expiringDays ?? 30) * DAY) {
      v(
        'cert/expiring-soon',
        c.subject,
        `${who} expires ${c.notAfter.toISOString()} (in ${Math.floor((c.notAfter.getTime() - now.getTime()) / DAY)} days).`,
      );
    }
    // A root's signature on itself is not checked by clients, so only non-roots can be weakly signed.
    const rootLike = c.selfSigned && c.isCa;
    const sig = c.signatureAlgorithm;
    if (!rootLike && sig.hash && WEAK_HASHES.has(sig.hash)) {
      v(
        'cert/weak-signature',
        c.subject,
        `${who} is signed with ${sig.name} (${sig.hash.toUpperCase()}); browsers reject ${sig.hash.toUpperCase()} signatures on server certificates and intermediates.`,
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
      for (const p of problems) if (p) v(p.code, c.subject, `${p.title}. ${p.detail}`, p.status);
    }
    const k = c.publicKey;
    const min = opts.minRsaBits ?? 2048;
    const weak =
      k.type === 'rsa' || k.type === 'rsa-pss' || k.type === 'dsa' ? (k.bits ?? 0) < min : k.type === 'ec' ? (k.bits ?? 0) < 256 : false;
    if (weak)
      v(
        'cert/weak-key',
        c.subject,
        `${who} has a ${k.type.toUpperCase()} key of ${k.bits ?? '?'} bits${k.curve ? ` (${k.curve})` : ''}; use RSA 2048+ or ECDSA P-256+.`,
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
