import { readFile } from 'node:fs/promises';
import { CmsDoctorError, Secret } from '@cms-doctor/core';
import { Certificate } from './certificate.js';
import { firstElementLength, sniffDer } from './der.js';
import { looksLikePem, parsePem } from './pem.js';
import { readPkcs12, type Pkcs12Contents } from './pkcs12.js';
import { readPkcs12InThread } from './pkcs12-thread.js';
import { px } from './x509.js';

export type CertificateFormat = 'pem' | 'der' | 'pkcs7' | 'pkcs12';

export interface LoadOptions {
  /** PKCS#12 password; see readPasswordFile. */
  password?: Secret;
  /** Name used in `Certificate.source` and in errors (a file name). */
  source?: string;
}

export interface AsyncLoadOptions extends LoadOptions {
  /** Stops a PKCS#12 key derivation in progress (the check's deadline). */
  signal?: AbortSignal;
}

/** Decodes one PKCS#12 blob (the DER of a file or of a PEM `PKCS12` block). */
type Pkcs12Reader = (der: Uint8Array) => Pkcs12Contents;

export interface LoadResult {
  format: CertificateFormat;
  certificates: Certificate[];
  /** Private keys seen (PEM key blocks, PKCS#12 key bags): counted, never read. */
  privateKeys: number;
  /** Blocks skipped and why (CSRs, unknown labels). */
  notes: string[];
}

const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
const PKCS7_LABELS = new Set(['PKCS7', 'PKCS #7 SIGNED DATA', 'CERTIFICATE CHAIN', 'CMS']);

/**
 * Certificates from PEM (any number of blocks, LF or CRLF, text between them),
 * DER X.509, PKCS#7 (.p7b, PEM or DER) or PKCS#12 (password in `opts`). The format
 * is decided from the content, never from a file name. Throws CmsDoctorError
 * (CMSD_PARSE, or CMSD_UNSUPPORTED for what a format/algorithm does not allow).
 */
export function loadCertificates(input: Uint8Array | string, opts: LoadOptions = {}): LoadResult {
  return loadWith(toBytes(input), opts, (der) => readPkcs12(der, opts.password));
}

/**
 * loadCertificates, with PKCS#12 key derivation in a worker thread that `opts.signal`
 * terminates: what checks use, so a costly file cannot hold the run past its deadline.
 */
export async function loadCertificatesAsync(input: Uint8Array | string, opts: AsyncLoadOptions = {}): Promise<LoadResult> {
  const bytes = toBytes(input);
  const decoded = new Map<string, Pkcs12Contents>();
  for (const der of pkcs12Blobs(bytes)) {
    const key = Buffer.from(der).toString('base64');
    if (!decoded.has(key)) decoded.set(key, await readPkcs12InThread(der, opts.password, opts.signal));
  }
  return loadWith(bytes, opts, (der) => decoded.get(Buffer.from(der).toString('base64')) ?? readPkcs12(der, opts.password));
}

const toBytes = (input: Uint8Array | string): Buffer => (typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input));

const isPem = (bytes: Buffer): boolean =>
  looksLikePem(bytes.subarray(0, 4096).toString('latin1')) || (bytes.length > 4096 && looksLikePem(bytes.toString('latin1')));

/** The PKCS#12 blobs loadWith will decode, in its order. */
function pkcs12Blobs(bytes: Buffer): Uint8Array[] {
  if (isPem(bytes)) return parsePem(bytes.toString('latin1')).flatMap((b) => (b.label === 'PKCS12' ? [b.der] : []));
  return sniffDer(bytes) === 'pkcs12' ? [bytes] : [];
}

function loadWith(bytes: Buffer, opts: LoadOptions, readP12: Pkcs12Reader): LoadResult {
  const src = opts.source ?? 'input';
  if (isPem(bytes)) return loadPem(bytes.toString('latin1'), src, readP12);
  const shape = sniffDer(bytes);
  const at = (i: number): string => `${src}#${i}`;
  switch (shape) {
    case 'x509':
      return { format: 'der', certificates: [new Certificate(bytes, at(0))], privateKeys: 0, notes: [] };
    case 'pkcs7':
      return { format: 'pkcs7', certificates: fromPkcs7(bytes, src, 0), privateKeys: 0, notes: [] };
    case 'pkcs12': {
      const p12 = readP12(bytes);
      if (p12.certificates.length === 0) throw new CmsDoctorError('CMSD_PARSE', `${src}: PKCS#12 holds no certificate`);
      return {
        format: 'pkcs12',
        certificates: p12.certificates.map((d, i) => new Certificate(d, at(i))),
        privateKeys: p12.privateKeys,
        notes: [],
      };
    }
    default:
      throw new CmsDoctorError('CMSD_PARSE', `${src}: neither PEM nor a DER certificate, PKCS#7 or PKCS#12`);
  }
}

function loadPem(text: string, src: string, readP12: Pkcs12Reader): LoadResult {
  const certificates: Certificate[] = [];
  const notes: string[] = [];
  let privateKeys = 0;
  let format: CertificateFormat = 'pem';
  for (const block of parsePem(text)) {
    const where = `${src}:${block.line}`;
    if (CERT_LABELS.has(block.label)) {
      // OpenSSL's TRUSTED CERTIFICATE appends trust settings after the certificate.
      const der = block.label === 'TRUSTED CERTIFICATE' ? block.der.subarray(0, safeLength(block.der)) : block.der;
      certificates.push(new Certificate(der, `${src}#${certificates.length}`));
    } else if (PKCS7_LABELS.has(block.label)) {
      certificates.push(...fromPkcs7(block.der, src, certificates.length));
      if (certificates.length > 0) format = 'pkcs7';
    } else if (block.label.endsWith('PRIVATE KEY')) {
      privateKeys++;
      notes.push(`${where}: a private key block, not read`);
    } else if (block.label === 'PKCS12') {
      const p12 = readP12(block.der);
      privateKeys += p12.privateKeys;
      certificates.push(...p12.certificates.map((d) => new Certificate(d, `${src}#${certificates.length}`)));
      format = 'pkcs12';
    } else {
      notes.push(`${where}: "${block.label}" block skipped (not a certificate)`);
    }
  }
  if (certificates.length === 0) {
    throw new CmsDoctorError('CMSD_PARSE', `${src}: no certificate in this PEM${notes.length ? ` (${notes.join('; ')})` : ''}`);
  }
  return { format, certificates, privateKeys, notes };
}

const safeLength = (der: Buffer): number => {
  try {
    return firstElementLength(der);
  } catch {
    return der.length;
  }
};

function fromPkcs7(der: Uint8Array, src: string, first: number): Certificate[] {
  let list: px.X509Certificates;
  try {
    list = new px.X509Certificates(Buffer.from(der));
  } catch (e) {
    throw new CmsDoctorError('CMSD_PARSE', `${src}: unreadable PKCS#7: ${(e as Error).message}`, { cause: e });
  }
  return list.map((c, i) => new Certificate(Buffer.from(c.rawData), `${src}#${first + i}`));
}

/** Loads a certificate file from disk (format sniffed from content). */
export async function loadCertificateFile(path: string, opts: Omit<AsyncLoadOptions, 'source'> = {}): Promise<LoadResult> {
  const bytes = await readFile(path);
  return loadCertificatesAsync(bytes, { ...opts, source: path });
}

/** A password file: its first line, without the line end. The value stays inside a Secret. */
export async function readPasswordFile(path: string): Promise<Secret> {
  const text = await readFile(path, 'utf8');
  return new Secret(text.split(/\r?\n/)[0] ?? '');
}
