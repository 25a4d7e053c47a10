import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import forge from 'node-forge';
import { Header } from 'tar';

/**
 * Builders of hostile inputs. Each is made in the test, in milliseconds and a few KB on
 * disk, however large it claims to be: nothing big is kept in the repository.
 */

const made: string[] = [];

/** A folder of its own, used as TMPDIR, so "nothing left behind" is not confused by other runs. */
export async function privateDir(tag: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `cmsd-hostile-${tag}-`));
  made.push(dir);
  return dir;
}

/** Removes every folder privateDir made (call from afterAll). */
export async function removePrivateDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Everything under `dir`, recursively (empty when the run cleaned up). */
export async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String);
}

/** Bytes under `dir`, recursively. */
export async function bytesUnder(dir: string): Promise<number> {
  let n = 0;
  for (const p of await leftovers(dir)) {
    const st = await stat(join(dir, p)).catch(() => undefined);
    if (st?.isFile()) n += st.size;
  }
  return n;
}

const tarHeader = (path: string, size: number): Buffer => {
  const block = Buffer.alloc(512);
  new Header({ path, size, type: 'File', mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 }).encode(block, 0);
  return block;
};

/**
 * A .tar.gz whose one member is `size` bytes of zeros: gzip members concatenated (gunzip
 * reads them as one stream), one compressed MiB of zeros repeated. 10 GiB take ~10 KB.
 */
export async function zeroBombTarGz(path: string, size: number, member = 'zeros.log'): Promise<void> {
  const MiB = 1024 * 1024;
  const zerosMiB = gzipSync(Buffer.alloc(MiB), { level: 9 });
  const out = createWriteStream(path);
  const write = (b: Buffer): Promise<void> => new Promise((res) => (out.write(b) ? res() : out.once('drain', () => res())));
  await write(gzipSync(tarHeader(member, size)));
  for (let i = 0; i < Math.floor(size / MiB); i++) await write(zerosMiB);
  const rest = size % MiB;
  const pad = (512 - (size % 512)) % 512;
  await write(gzipSync(Buffer.alloc(rest + pad + 1024)));
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
}

/** A plain tar of `count` members of `each` random-ish bytes (low ratio: nothing compresses). */
export function tarOf(members: { name: string; bytes: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    parts.push(tarHeader(m.name, m.bytes.length), m.bytes, Buffer.alloc((512 - (m.bytes.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** Runs python3's zipfile (as test/cli does) to write `spec` members; `{zeros: n}` is n zero bytes, `{file}` a file. */
export function writeZip(path: string, members: Record<string, { zeros: number } | { file: string }>): void {
  execFileSync('python3', [
    '-c',
    `
import json, sys, zipfile
spec = json.loads(sys.argv[2])
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    for name, m in spec.items():
        if 'file' in m:
            z.write(m['file'], name)
        else:
            with z.open(name, 'w', force_zip64=True) as f:
                chunk = bytes(1 << 20)
                left = m['zeros']
                while left > 0:
                    f.write(chunk[:min(left, len(chunk))]); left -= len(chunk)
`,
    path,
    JSON.stringify(members),
  ]);
}

/** The PFX with its MAC iteration count replaced (no password needed to do so: the MAC is checked after the KDF). */
export function withMacIterations(pfx: Buffer, iterations: number): Buffer {
  const asn1 = forge.asn1.fromDer(forge.util.createBuffer(pfx.toString('binary')));
  const macData = (asn1.value as forge.asn1.Asn1[])[2] as forge.asn1.Asn1;
  const count = (macData.value as forge.asn1.Asn1[])[2] as forge.asn1.Asn1;
  const b = Buffer.alloc(4);
  b.writeUInt32BE(iterations);
  count.value = b.toString('binary');
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/** Peak RSS of a child that runs the CLI in-process and prints it: the real bound, not the test runner's. */
export const RSS_PROBE = `
const { main } = await import(process.argv[1]);
const code = await main(process.argv.slice(2));
process.stderr.write('\\nMAXRSS_KB ' + process.resourceUsage().maxRSS + '\\n');
process.exitCode = code;
`;
