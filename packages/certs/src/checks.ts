import {
  codeOf,
  defineCheck,
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
import { evaluateChain, pathEvidence, type Evaluation, type Verdict } from './evaluate.js';
import { fetchPeerChain } from './fetch.js';
import { loadCertificates } from './load.js';
import { documentedEdgeNames, normaliseName } from './names.js';
import { CERT_FILE_KINDS } from './recognise.js';
import { trustStoreFromFiles, type TrustStore } from './trust-store.js';

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
): FindingDraft[] {
  const evidence = chainEvidence(e, presented, extra);
  const out: FindingDraft[] = verdicts.map((v) => ({ ...v, evidence }));
  const leaf = presented[0]!;
  if (!out.some((f) => f.status === 'fail' || f.status === 'warn')) {
    out.push({
      code: codeOf(checkId),
      status: 'pass',
      title: `${title}: valid, trusted and covers the name (revocation not checked)`,
      detail: `${leaf.subject}, issued by ${leaf.issuer}, valid until ${leaf.notAfter.toISOString()}. Revocation (CRL/OCSP) cannot be checked offline; the revocation evidence lists where to check it.`,
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
      detail: `Present: ${present.join(', ') || 'none'}. Absent: ${absent.join(', ') || 'none'}. The document's host names (vcse., vcsc.) are examples; only the web bridge name is required.`,
      evidence: [{ kind: 'name-coverage', names: e.names }],
    });
  }
  return out;
}

const connectError = (checkId: string, title: string, subject: string, e: unknown, evidence: Evidence[]): FindingDraft => ({
  code: 'cert/check-error',
  status: 'error',
  title: `${title}: could not get the certificate`,
  detail: describeError(e),
  subject,
  evidence: [...evidence, { kind: 'tls-connect', error: describeError(e) }],
});

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
  adjust?: (v: Verdict) => Verdict | undefined,
): Promise<FindingDraft[]> {
  const servername = ctx.target.external!;
  const subject = `${host}:${port} (SNI ${servername})`;
  const where: Evidence = { kind: 'tls-endpoint', address: `${host}:${port}`, servername };
  let store: TrustStore;
  try {
    store = await storeFor(ctx);
  } catch (e) {
    return [
      {
        code: 'cert/check-error',
        status: 'error',
        title: `${title}: a --ca file could not be read`,
        detail: describeError(e),
        subject,
        evidence: [where],
      },
    ];
  }
  let chain;
  try {
    chain = await fetchPeerChain({ host, port, servername, signal: ctx.signal, timeoutMs: Math.max(1, remainingMs(ctx.deadline) - 100) });
  } catch (e) {
    return [connectError(checkId, title, subject, e, [where])];
  }
  const e = evaluateChain(chain.certificates, {
    store,
    name: servername,
    ...(checkId === 'cert.edge' ? { optionalNames: documentedEdgeNames({ external: servername, ...pick(ctx) }) } : {}),
  });
  const verdicts = adjust ? e.verdicts.flatMap((v) => adjust(v) ?? []) : e.verdicts;
  const tls: Evidence = { ...where, protocol: chain.protocol, ...(chain.cipher ? { cipher: chain.cipher } : {}), anchors: store.sources };
  // Whether the server stapled OCSP is known from the handshake; the response is not verified.
  const revocation = { ...e.revocation, ocspStapled: chain.ocspStapledBytes !== undefined };
  return findingsOf(checkId, title, subject, { ...e, revocation }, chain.certificates, [tls], verdicts);
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
    return probe(ctx, 'cert.edge', 'Expressway-E certificate', host, port);
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

/**
 * The internal web bridge as Expressway-C reaches it (the external name resolved by
 * internal DNS). Its CA is private, so trust verdicts are warnings here: only
 * Expressway-C's trusted CA list decides, which cms-doctor cannot see.
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
    return probe(ctx, 'cert.webbridge-internal', 'Internal web bridge certificate', host, port, (v) =>
      INTERNAL_WARNINGS.has(v.code)
        ? { ...v, status: 'warn', basis: 'inferred', detail: `${v.detail ?? ''} ${INTERNAL_WARNINGS.get(v.code)!}` }
        : v,
    );
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
          certs: loadCertificates(await file.bytes(), {
            source: file.path,
            ...(ctx.target.certPassword ? { password: ctx.target.certPassword } : {}),
          }).certificates,
        });
      } catch (e) {
        file.reject(describeError(e));
      }
    }
    let store: TrustStore;
    try {
      store = await storeFor(ctx);
    } catch (e) {
      return [
        { code: 'cert/check-error', status: 'error', title: 'Certificate files: a --ca file could not be read', detail: describeError(e) },
      ];
    }
    const pool = loaded.flatMap((l) => l.certs);
    return loaded.flatMap(({ file, certs }) => judgeFile(file.path, certs, pool, store, ctx.target.external));
  },
});

/**
 * A file whose first certificate is an end entity is judged as a chain (the pool of
 * every file supplies issuers). Only a certificate for the external domain must cover
 * the web bridge name and chain to a public root; other end entities (call bridge,
 * web bridge inside) get validity and strength verdicts, trust as info.
 */
export function judgeFile(
  path: string,
  certs: readonly Certificate[],
  pool: readonly Certificate[],
  store: TrustStore,
  external?: string,
): FindingDraft[] {
  const leaf = certs[0];
  if (!leaf) return [];
  const subject = path;
  if (leaf.isCa) {
    // A CA bundle (root.cer): each certificate judged alone for validity and strength.
    return certs
      .flatMap((c): FindingDraft[] => {
        const e = evaluateChain([c], { store });
        const verdicts = e.verdicts.filter((v) => !['cert/self-signed', 'cert/untrusted', 'cert/chain-incomplete'].includes(v.code));
        return verdicts.map((v) => ({ ...v, subject: `${path}: ${c.subject}`, evidence: [certificateEvidence(c)] }));
      })
      .concat([
        {
          code: 'cert/files',
          status: 'info',
          title: `${path}: ${certs.length} CA certificate(s)`,
          subject,
          evidence: certs.map((c, i) => certificateEvidence(c, i)),
        },
      ]);
  }
  const extDomain = external ? normaliseName(external).split('.').slice(1).join('.') : undefined;
  const forEdge =
    !!external &&
    leaf.sans.some((s) => s.type === 'dns' && (normaliseName(s.value).endsWith(`.${extDomain}`) || normaliseName(s.value) === extDomain));
  const others = pool.filter((c) => !certs.includes(c));
  const e = evaluateChain(certs, { store, pool: others, ...(forEdge ? { name: external! } : {}) });
  const trustCodes = ['cert/self-signed', 'cert/untrusted', 'cert/chain-incomplete'];
  const verdicts = forEdge ? e.verdicts : e.verdicts.filter((v) => !trustCodes.includes(v.code));
  const evidence = chainEvidence(e, certs);
  const out: FindingDraft[] = verdicts.map((v) => ({ ...v, subject: `${path}: ${v.subject ?? leaf.subject}`, evidence }));
  const trustNote = e.verdicts.filter((v) => trustCodes.includes(v.code)).map((v) => v.title);
  out.push({
    code: 'cert/files',
    status: 'info',
    subject,
    title: `${path}: ${leaf.subject || '(empty subject)'}${forEdge ? ' (the web bridge certificate)' : ''}`,
    detail: `${certs.length} certificate(s); path ${e.path.end}${trustNote.length && !forEdge ? `; ${trustNote.join('; ')} (not judged: not the external web bridge certificate)` : ''}.`,
    evidence,
  });
  return out;
}
