import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway self-signed certificate for 127.0.0.1, made by openssl in a temp dir. */
export function selfSignedCert(): { key: string; cert: string; caFile: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'cms-sim-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-days',
      '2',
    ],
    { stdio: 'ignore' },
  );
  const out = {
    key: readFileSync(key, 'utf8'),
    cert: readFileSync(cert, 'utf8'),
    caFile: cert,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  writeFileSync(join(dir, 'ca.pem'), out.cert);
  return out;
}
