import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import forge from 'node-forge';
import { Secret } from '@cms-doctor/core';
import { createLabPki } from '../../lab/src/pki/index.js';
import { hasPeer } from '../../../test/helpers/peers.js';
import { loadCertificates, loadCertificatesAsync } from './load.js';
import { readPkcs12InThread, runningPkcs12Workers } from './pkcs12-thread.js';
import { DEFAULT_MAX_KDF_ITERATIONS, setMaxKdfIterations } from './pkcs12.js';

/** The same file with its MAC iteration count replaced: the MAC then fails, but only after the whole derivation. */
function withMacIterations(pfx: Buffer, iterations: number): Buffer {
  const asn1 = forge.asn1.fromDer(forge.util.createBuffer(pfx.toString('binary')));
  const count = ((asn1.value as forge.asn1.Asn1[])[2]!.value as forge.asn1.Asn1[])[2]!;
  const b = Buffer.alloc(4);
  b.writeUInt32BE(iterations);
  count.value = b.toString('binary');
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

let dir: string;
let pfx: Buffer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cmsd-p12thread-'));
  if (!hasPeer('openssl')) return;
  const pki = await createLabPki({ names: ['cmsweb.octavio.com'], kind: 'rsa' });
  writeFileSync(join(dir, 'key.pem'), pki.keyPem);
  writeFileSync(join(dir, 'chain.pem'), pki.chainPem);
  pfx = execFileSync('openssl', ['pkcs12', '-export', '-in', join(dir, 'chain.pem'), '-inkey', join(dir, 'key.pem'), '-passout', 'pass:']);
});
afterAll(() => {
  setMaxKdfIterations(DEFAULT_MAX_KDF_ITERATIONS);
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(hasPeer('openssl'))('PKCS#12 decoded in a worker thread', () => {
  it('gives what the synchronous reader gives', async () => {
    const sync = loadCertificates(pfx, { password: new Secret('') });
    const threaded = await loadCertificatesAsync(pfx, { password: new Secret('') });
    expect(threaded.format).toBe('pkcs12');
    expect(threaded.privateKeys).toBe(sync.privateKeys);
    expect(threaded.certificates.map((c) => c.sha256)).toEqual(sync.certificates.map((c) => c.sha256));
    expect(runningPkcs12Workers()).toBe(0);
  });

  it('keeps the cap and the error messages of the synchronous reader', async () => {
    setMaxKdfIterations(1000);
    try {
      await expect(readPkcs12InThread(pfx, undefined)).rejects.toMatchObject({
        code: 'CMSD_UNSUPPORTED',
        message: /2048 iterations, above the limit of 1000/,
      });
    } finally {
      setMaxKdfIterations(DEFAULT_MAX_KDF_ITERATIONS);
    }
    await expect(readPkcs12InThread(pfx, new Secret('wrong-guess-xyz'))).rejects.toMatchObject({ message: /password does not open/ });
  });

  it('a derivation just under the cap is stopped at the deadline, and no worker is left', async () => {
    // 2.4 million MAC rounds take seconds in forge; the cap is raised just above that.
    setMaxKdfIterations(2_500_000);
    const slow = withMacIterations(pfx, 2_400_000);
    const t0 = performance.now();
    try {
      await expect(readPkcs12InThread(slow, undefined, AbortSignal.timeout(300))).rejects.toMatchObject({
        code: 'CMSD_TIMEOUT',
        message: /stopped at the deadline/,
      });
    } finally {
      setMaxKdfIterations(DEFAULT_MAX_KDF_ITERATIONS);
    }
    // Worker start-up is included; the derivation alone would take several seconds.
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(runningPkcs12Workers()).toBe(0);
  });

  it('an already aborted signal starts no worker', async () => {
    const ctl = new AbortController();
    ctl.abort(new Error('gone'));
    await expect(readPkcs12InThread(pfx, undefined, ctl.signal)).rejects.toMatchObject({ code: 'CMSD_TIMEOUT' });
    expect(runningPkcs12Workers()).toBe(0);
  });
});
