import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allowedCommand, fetchableFile, MMP_STATUS_COMMANDS, MmpCommandRefused, pkiInspect } from './allow-list.js';
import { judgeHostKey, knownKeysFor, sha256Fingerprint } from './host-key.js';
import { commandOutput, plainTerminalText, promptAtEnd } from './prompt.js';
import { createHmac } from 'node:crypto';

describe('the MMP allow-list', () => {
  it('passes the status commands and pki inspect of a plain file name, nothing else', () => {
    for (const c of MMP_STATUS_COMMANDS) expect(allowedCommand(c)).toBe(c);
    expect(pkiInspect('callbridge.cer')).toBe('pki inspect callbridge.cer');
    for (const bad of [
      'webbridge disable',
      'webbridge\nwebbridge disable',
      'pki inspect a b',
      'pki inspect ../x',
      'pki inspect x;reboot',
      'reboot',
      ' webbridge',
      'pki inspect ',
    ])
      expect(() => allowedCommand(bad), bad).toThrow(MmpCommandRefused);
  });

  it('no string built from hostile input becomes anything but an allowed command (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (name) => {
        try {
          const c = pkiInspect(name);
          expect(c).toMatch(/^pki inspect [A-Za-z0-9][A-Za-z0-9._-]*$/);
        } catch (e) {
          expect(e).toBeInstanceOf(MmpCommandRefused);
        }
        const f = fetchableFile(name);
        if (f !== undefined) expect(f).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('host keys', () => {
  const key = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl', 'base64');
  const b64 = key.toString('base64');
  it('reads plain, bracketed-port, negated and hashed known_hosts entries', () => {
    const salt = Buffer.from('0123456789abcdef0123');
    const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[cms.example.com]:2222').digest('base64')}`;
    const text = `# comment\ncms.example.com ssh-ed25519 ${b64}\n${hashed} ssh-ed25519 ${b64}\n*.example.com,!cms.example.com ssh-rsa ${b64}\n@cert-authority * ssh-ed25519 ${b64}\n`;
    expect(knownKeysFor(text, 'cms.example.com', 22).map((k) => k.line)).toEqual([2]);
    expect(knownKeysFor(text, 'cms.example.com', 2222).map((k) => k.line)).toEqual([3]);
    expect(knownKeysFor(text, 'other.example.com', 22).map((k) => k.line)).toEqual([4]);
  });
  it('never trusts on first use, and names the offered fingerprint', () => {
    const v = judgeHostKey(key, { host: 'h', port: 22 });
    expect(v).toEqual({ trusted: false, fingerprint: sha256Fingerprint(key), reason: 'unknown' });
    expect(judgeHostKey(key, { host: 'h', port: 22, pinned: [`${sha256Fingerprint(key)}=`] }).trusted).toBe(true);
    expect(judgeHostKey(key, { host: 'h', port: 22, knownHosts: { path: 'k', text: `@revoked h ssh-ed25519 ${b64}` } })).toMatchObject({
      reason: 'revoked',
    });
  });
});

describe('reading the interactive shell', () => {
  it('finds the prompt only at the end, strips terminal codes and the echo', () => {
    const raw = 'webbridge\r\n\x1b[1mEnabled\x1b[0m : true\r\n\x1b]0;title\x07cms1> ';
    const text = plainTerminalText(raw);
    expect(promptAtEnd(text)).toBe('cms1');
    expect(promptAtEnd('cms1> partial')).toBeUndefined();
    expect(promptAtEnd(text, 'other')).toBeUndefined();
    expect(commandOutput(text, 'webbridge', 'cms1')).toBe('Enabled : true\n');
  });
});
