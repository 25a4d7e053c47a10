#!/usr/bin/env node
// Run by a real sshd as its ForceCommand: answers like the CMS MMP (prompt `<host>> `, status
// screens from a JSON file) and logs every line it receives, so tests can prove what was sent.
// An SFTP subsystem request is handed to OpenSSH's own sftp-server.
import { appendFileSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const [screensPath, logPath] = process.argv.slice(2);
const original = process.env.SSH_ORIGINAL_COMMAND ?? '';
if (/sftp/.test(original)) {
  const child = spawn('/usr/lib/openssh/sftp-server', [], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const { prompt, screens, stallOn } = JSON.parse(readFileSync(screensPath, 'utf8'));
  process.stdout.write('Cisco Meeting Server (test double)\n');
  process.stdout.write(`${prompt}> `);
  const rl = createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => {
    const command = line.replace(/\r$/, '');
    appendFileSync(logPath, `${JSON.stringify(command)}\n`);
    if (command === 'exit') process.exit(0);
    if (command === stallOn) return; // never answers: the client's per-command deadline must end it
    const out = screens[command] ?? `Unknown command: ${command}\n`;
    // Output in pieces, as a real terminal delivers it.
    const half = Math.floor(out.length / 2);
    process.stdout.write(out.slice(0, half));
    setTimeout(() => process.stdout.write(`${out.slice(half)}${prompt}> `), 20);
  });
  rl.on('close', () => process.exit(0));
}
