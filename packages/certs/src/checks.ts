import {
  codeOf,
  CORE_CODES,
  defineCheck,
  emitterFor,
  describeError,
  DNS_WEBBRIDGE,
  remainingMs,
  type CheckContext,
  type DnsWebbridgeData,
  type Evidence,
  type FindingDraft,
  type TriageFile,
} from '@cms-doctor/core';
import { parseHostPort } from './address.js';
import type { Certificate } from './certificate.js';
import { certificateEvidence } from './certificate.js';
import { CERT_CODES } from './codes.js';
import { evaluateChain, pathEvidence, type Evaluation, type Verdict } from './evaluate.js';
import { fetchPeerChain } from './fetch.js';
import { loadCertificatesAsync } from './load.js';
import { documentedEdgeNames } from './names.js';
import { deploymentNames, roleOf, splitFile, type Presented, type Role } from './roles.js';
import { CERT_FILE_KINDS } from './recognise.js';
import { trustStoreFromFiles, type TrustStore } from './trust-store.js';

const emit = emitterFor(CORE_CODES, CERT_CODES);
/** Where the required name comes from, for every detail that names it. */
const NAME_FROM = '--external (probe cert: --name, else the host)';

/**
 * Evidence every verdict of one evaluation carries: the chain as presented, the path
 * built, and that revocation was not checked (with the CRL/OCSP URLs to check it by hand).
 */
const chainEvidence = (e: Evaluation, presented: readonly Certificate[], extra: Evidence[] = []): Evidence[] => [
  ...extra,
  pathEvidence(e.path, presented),
  ...e.chain,
  e.revocation,
];

/** Verdicts become findings; a pass when nothing is wrong; names present/absent as info. */
function findingsOf(
  checkId: string,
  title: string,
  subject: string,
  e: Evaluation,
  presented: readonly Certificate[],
  extra: Evidence[],
  verdicts: readonly Verdict[] = e.verdicts,
  origin = '',
  nameFrom = NAME_FROM,
): FindingDraft[] {
  const evidence = chainEvidence(e, presented, extra);
  const required = e.names[0];
  // The name side of the comparison: which name, from which flag, and why it is (not) covered.
  const nameEvidence: Evidence[] = required ? [{ kind: 'name-required', from: nameFrom, ...required }] : [];
  const out: FindingDraft[] = verdicts.map((v) => ({
    ...v,
    evidence: v.code === 'cert/san-missing' ? [...nameEvidence, ...evidence] : evidence,
  }));
  const leaf = presented[0]!;
  // No evidence, no pass: a pass needs a trusted path and the required name covered.
  if (!out.some((f) => f.status === 'fail' || f.status === 'warn') && e.path.end === 'trusted' && required?.covered) {
    out.push({
      code: codeOf(checkId),
      status: 'pass',
      title: `${title}: valid, trusted and covers ${required.name} (revocation not checked)`,
      detail: `${leaf.subject}${origin}, issued by ${leaf.issuer}, valid until ${leaf.notAfter.toISOString()}; ${required.name} (from ${nameFrom}) is covered by ${required.by}; the path ends at ${e.path.anchor?.subject ?? 'a trust anchor'}. Revocation (CRL/OCSP) is not checked; the revocation evidence lists where to check it.`,
      subject,
      evidence,
    });
  }
  const optional = e.names.slice(1);
  if (optional.length > 0) {
    const present = optional.filter((n) => n.covered).map((n) => n.name);
    const absent = optional.filter((n) => !n.covered).map((n) => n.name);
    out.push({
      code: codeOf(checkId),
      status: 'info',
      basis: 'documented',
      subject,
      title: `Other names the document lists on the Expressway-E certificate: ${present.length} present, ${absent.length} absent`,
      detail: `Present: ${present.join(', ') || 'none'}. Absent: ${absent.join(', ') || 'none'}. Derived from the document's list (vcse.<external domain>, the external domain, and with --internal-domain: vcsc.<Expressway-C domain>, <web bridge label>.<Expressway-C domain>, both internal domains); the host labels are the document's examples, so only the web bridge name is required.`,
      evidence: [{ kind: 'name-coverage', names: e.names }],
    });
  }
  return out;
}

async function storeFor(ctx: CheckContext): Promise<TrustStore> {
  return trustStoreFromFiles(ctx.target.ca ?? []);
}

/** Probes one TLS endpoint and judges its chain. */
async function probe(
  ctx: CheckContext,
  checkId: string,
  title: string,
  host: string,
  port: number,
  role: 'edge' | 'internal',
): Promise<FindingDraft[]> {
  const servername = ctx.target.external!;
  const subject = `${host}:${port} (SNI ${servername})`;
  const where: Evidence = { kind: 'tls-endpoint', address: `${host}:${port}`, servername, servernameFrom: NAME_FROM };
  let store: TrustStore;
  try {
    store = await storeFor(ctx);
  } catch (e) {
    return [emit('cert/check-error', { subject, detail: `A --ca file could not be read: ${describeError(e)}`, evidence: [where] })];
  }
  let chain;
  try {
    chain = await fetchPeerChain({ host, port, servername, signal: ctx.signal, timeoutMs: Math.max(1, remainingMs(ctx.deadline) - 100) });
  } catch (e) {
    return [
      emit('cert/check-error', {
        subject,
        detail: `${title}: could not get the certificate from ${host}:${port} (SNI ${servername}): ${describeError(e)}`,
        evidence: [where, { kind: 'tls-connect', error: describeError(e) }],
      }),
    ];
  }
  const e = evaluateChain(chain.certificates, {
    store,
    name: servername,
    nameFrom: NAME_FROM,
    where: `presented by ${host}:${port}, SNI ${servername}`,
    edge: role === 'edge',
    ...(role === 'edge' ? { optionalNames: documentedEdgeNames({ external: servername, ...pick(ctx) }) } : {}),
  });
  const verdicts = role === 'internal' ? e.verdicts.map(internalVerdict) : e.verdicts;
  const tls: Evidence = { ...where, protocol: chain.protocol, ...(chain.cipher ? { cipher: chain.cipher } : {}), anchors: store.sources };
  // Whether the server stapled OCSP is known from the handshake; the response is not verified.
  const revocation = { ...e.revocation, ocspStapled: chain.ocspStapledBytes !== undefined };
  return findingsOf(checkId, title, subject, { ...e, revocation }, chain.certificates, [tls], verdicts, ` (from ${host}:${port})`);
}

const pick = (ctx: CheckContext): { externalDomain?: string; internalDomain?: string } => ({
  ...(ctx.target.externalDomain ? { externalDomain: ctx.target.externalDomain } : {}),
  ...(ctx.target.internalDomain ? { internalDomain: ctx.target.internalDomain } : {}),
});

/** The certificate guests' browsers see: the Expressway-E web proxy, SNI = the external web bridge name. */
export const edgeCheck = defineCheck({
  id: 'cert.edge',
  title: 'Expressway-E certificate for the web bridge name',
  area: 'cert',
  modes: ['live'],
  needs: ['external'],
  after: [DNS_WEBBRIDGE],
  async run(ctx) {
    const t = ctx.target;
    const published = ctx.get<DnsWebbridgeData>(DNS_WEBBRIDGE)?.externalAddresses[0];
    const edge = t.edge ?? published;
    if (!edge) {
      return [
        {
          code: 'cert/edge',
          status: 'skip',
          title: 'Expressway-E certificate: skipped',
          detail: 'no --edge, and external DNS gave no address for the web bridge name',
          needs: ['edge'],
        },
      ];
    }
    const { host, port } = parseHostPort(edge, 443);
    return probe(ctx, 'cert.edge', 'Expressway-E certificate', host, port, 'edge');
  },
});

/**
 * Verdicts that are warnings on the internal web bridge: what decides there is Expressway-C
 * (its trusted CA list, its TLS client), which cms-doctor cannot see, not a guest's browser.
 */
const TRUST_NOTE = "Expressway-C must trust this certificate's CA; cms-doctor knows only the roots given with --ca.";
const USAGE_NOTE =
  'Here the TLS client is Expressway-C, not a browser; cms-doctor cannot tell how strictly it applies Key Usage and Extended Key Usage.';
const INTERNAL_WARNINGS: ReadonlyMap<string, string> = new Map([
  ['cert/untrusted', TRUST_NOTE],
  ['cert/self-signed', TRUST_NOTE],
  ['cert/chain-incomplete', TRUST_NOTE],
  ['cert/san-missing', TRUST_NOTE],
  ['cert/eku-server-auth-missing', USAGE_NOTE],
  ['cert/key-usage-mismatch', USAGE_NOTE],
]);

/** A verdict on the internal web bridge, re-emitted as a warning where Expressway-C decides. */
const internalVerdict = (v: Verdict): Verdict => {
  const note = INTERNAL_WARNINGS.get(v.code);
  if (!note) return v;
  return emit(v.code, {
    ...(v.subject !== undefined ? { subject: v.subject } : {}),
    detail: `${v.detail ?? ''} ${note}`,
    status: 'warn',
    fixes: v.fixes,
  }) as Verdict;
};

/**
 * The internal web bridge as Expressway-C reaches it (the external name resolved by
 * internal DNS). Its CA is private, so trust verdicts are warnings here: only
 * Expressway-C's trusted CA list decides, which cms-doctor cannot see. It is not the
 * Expressway-E, so its verdicts never carry the edge fixes.
 */
export const webbridgeInternalCheck = defineCheck({
  id: 'cert.webbridge-internal',
  title: 'Internal web bridge certificate',
  area: 'cert',
  modes: ['live'],
  needs: ['external'],
  needsAny: [['webbridge'], ['cmsAddress'], ['internalDns']],
  after: [DNS_WEBBRIDGE],
  async run(ctx) {
    const addr = ctx.target.webbridge ?? ctx.get<DnsWebbridgeData>(DNS_WEBBRIDGE)?.internalAddresses[0] ?? ctx.target.cmsAddress;
    if (!addr) {
      return [
        {
          code: 'cert/webbridge-internal',
          status: 'skip',
          title: 'Internal web bridge certificate: skipped',
          detail: 'internal DNS gave no address and no --cms-address',
          needs: ['cmsAddress'],
        },
      ];
    }
    const { host, port } = parseHostPort(addr, 443);
    return probe(ctx, 'cert.webbridge-internal', 'Internal web bridge certificate', host, port, 'internal');
  },
});

/** Offline: every certificate file in the bundle, judged with all of them as the pool of issuers. */
export const filesCheck = defineCheck({
  id: 'cert.files',
  title: 'Certificate files',
  area: 'cert',
  modes: ['offline'],
  needs: [],
  needsAny: CERT_FILE_KINDS.map((k) => [`file:${k}` as const]),
  async run(ctx) {
    const loaded: { file: TriageFile; certs: Certificate[] }[] = [];
    for (const file of ctx.files(...CERT_FILE_KINDS)) {
      try {
        loaded.push({
          file,
          certs: (
            await loadCertificatesAsync(await file.bytes(), {
              source: file.path,
              signal: ctx.signal,
              ...(ctx.target.certPassword ? { password: ctx.target.certPassword } : {}),
            })
          ).certificates,
        });
      } catch (e) {
        file.reject(describeError(e));
      }
    }
    let store: TrustStore;
    try {
      store = await storeFor(ctx);
    } catch (e) {
      return [emit('cert/check-error', { detail: `A --ca file could not be read: ${describeError(e)}` })];
    }
    return judgeFiles(
      loaded.map((l) => ({ path: l.file.path, certs: l.certs })),
      store,
      ctx.target.external ? { external: ctx.target.external, ...pick(ctx) } : undefined,
    );
  },
});

/** How each server chain of the input is judged, decided over all of them at once. */
function rolesOf(chains: readonly Presented[], names: ReturnType<typeof deploymentNames> | undefined): Role[] {
  if (!names) return chains.map(() => 'other');
  const roles = chains.map((p) => roleOf(p.certs[0]!, names).role);
  // With no certificate for the Expressway-E's names in the input, one that names nothing of
  // this deployment is judged as the edge's (what `probe cert` would say if it were served there).
  const anyEdge = roles.includes('edge');
  return roles.map((r) => (r === 'none' && !anyEdge ? 'edge' : r));
}

/**
 * Judges the certificate files of an input together (the certificates of every file are the
 * pool of issuers). A CA certificate that issues another input certificate (or is an anchor,
 * or may only sign certificates) is judged alone for validity and strength. Every other
 * certificate is a server certificate: with --external, one for the Expressway-E's names (or,
 * when none is, one for none of the deployment's names) is judged as the edge: the web bridge
 * name, trust and usage, with the edge fixes. The others (call bridge, web bridge inside, or
 * unrelated) get validity and strength verdicts without the edge fixes; their trust is a note.
 */
export function judgeFiles(
  files: readonly { path: string; certs: readonly Certificate[] }[],
  store: TrustStore,
  target?: { external: string; externalDomain?: string; internalDomain?: string },
  now?: Date,
): FindingDraft[] {
  const pool = files.flatMap((f) => f.certs);
  const names = target ? deploymentNames(target) : undefined;
  const split = files.map((f) => ({ path: f.path, ...splitFile(f.path, f.certs, pool, store) }));
  const chains = split.flatMap((f) => f.chains);
  const roles = rolesOf(chains, names);
  const out: FindingDraft[] = [];
  for (const f of split) {
    if (f.authorities.length === 0) continue;
    for (const { cert } of f.authorities) {
      const e = evaluateChain([cert], { store, edge: false, where: `in ${f.path}`, ...(now ? { now } : {}) });
      const verdicts = e.verdicts.filter((v) => !TRUST_CODES.includes(v.code));
      out.push(...verdicts.map((v) => ({ ...v, subject: `${f.path}: ${cert.subject}`, evidence: [certificateEvidence(cert)] })));
    }
    out.push({
      code: 'cert/files',
      status: 'info',
      title: `${f.path}: ${f.authorities.length} CA certificate(s)`,
      subject: f.path,
      detail: f.authorities.map((a) => `${a.cert.subject}: ${a.reason}`).join('; '),
      evidence: f.authorities.map((a, i) => certificateEvidence(a.cert, i)),
    });
  }
  chains.forEach((p, i) => out.push(...judgeChain(p, roles[i]!, pool, store, names, now)));
  return out;
}

const TRUST_CODES = ['cert/self-signed', 'cert/untrusted', 'cert/chain-incomplete'];

function judgeChain(
  p: Presented,
  role: Role,
  pool: readonly Certificate[],
  store: TrustStore,
  names: ReturnType<typeof deploymentNames> | undefined,
  now?: Date,
): FindingDraft[] {
  const leaf = p.certs[0]!;
  const subject = `${p.path}: ${leaf.subject || '(empty subject)'}`;
  const others = pool.filter((c) => !p.certs.includes(c));
  const file: Evidence = { kind: 'certificate-file', path: p.path, anchors: store.sources };
  const base = { store, pool: others, where: `in ${p.path}`, ...(now ? { now } : {}) };
  if (role === 'edge' && names) {
    const covered = roleOf(leaf, names);
    const e = evaluateChain(p.certs, {
      ...base,
      name: names.external,
      nameFrom: '--external',
      optionalNames: names.edgeNames,
    });
    const why =
      covered.role === 'edge'
        ? `it covers ${covered.covered.join(', ')}, names the document puts on the Expressway-E certificate`
        : `it covers none of the deployment's names (${[names.external, ...names.edgeNames].join(', ')}; domains ${names.domains.join(', ')}, from --external${names.domains.length > 1 ? ' and --internal-domain' : ''}), and no input certificate does`;
    const judged: FindingDraft = {
      code: 'cert/files',
      status: 'info',
      subject,
      title: `${p.path}: judged as the Expressway-E certificate for ${names.external}`,
      detail: `${leaf.subject || '(empty subject)'}: ${why}. ${p.certs.length} certificate(s) in the file's chain; path ${e.path.end}.`,
      evidence: [file],
    };
    // The finding itself says why a certificate naming nothing of the deployment is judged here (notes may be folded).
    const verdicts = e.verdicts.map((v) => ({
      ...v,
      subject: `${p.path}: ${v.subject ?? leaf.subject}`,
      ...(v.code === 'cert/san-missing' && covered.role !== 'edge'
        ? {
            detail: `${v.detail ?? ''} It covers none of the deployment's names; it is judged as the Expressway-E certificate because no input certificate covers them.`,
          }
        : {}),
    }));
    return [...findingsOf('cert.files', p.path, subject, e, p.certs, [file], verdicts, ` (${p.path})`, '--external'), judged];
  }
  const e = evaluateChain(p.certs, { ...base, edge: false });
  const verdicts = e.verdicts.filter((v) => !TRUST_CODES.includes(v.code));
  const evidence = chainEvidence(e, p.certs, [file]);
  const out: FindingDraft[] = verdicts.map((v) => ({ ...v, subject: `${p.path}: ${v.subject ?? leaf.subject}`, evidence }));
  const trustNote = e.verdicts.filter((v) => TRUST_CODES.includes(v.code)).map((v) => v.detail);
  const why = !names
    ? 'no --external, so no certificate is judged as the Expressway-E certificate'
    : role === 'other'
      ? `it does not cover ${names.external} (from --external) or another name the document puts on the Expressway-E certificate; its names (${roleOf(leaf, names).covered.join(', ')}) are in the deployment's domains: another box's certificate (call bridge, web bridge inside)`
      : `it covers none of the deployment's names (${[names.external, ...names.edgeNames].join(', ')}; domains ${names.domains.join(', ')}), while another input certificate is the Expressway-E's`;
  out.push({
    code: 'cert/files',
    status: 'info',
    subject,
    title: `${p.path}: ${leaf.subject || '(empty subject)'}: not judged as the Expressway-E certificate`,
    detail: `${why}. Validity and strength are judged; the Expressway-E fixes do not apply. ${p.certs.length} certificate(s); path ${e.path.end}${trustNote.length ? `; trust (not judged here): ${trustNote.join(' ')}` : ''}.`,
    evidence,
  });
  return out;
}
