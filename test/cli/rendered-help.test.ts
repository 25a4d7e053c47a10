import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../packages/doctor/src/cli.js';
import { RENDERED_WIDTHS, helpPath, renderedHelpName, type RenderedHelp } from '../../packages/doctor/src/help/rendered-help.js';
import { RENDERED_CHECKS_NAME, checksFormat, type RenderedChecks } from '../../packages/doctor/src/help/rendered-checks.js';
import { bufferedIo } from '../../packages/doctor/src/io.js';
import { spawnCli } from '../helpers/cli.js';

// `--help` is printed from texts yargs rendered when the CLI was built (scripts/bundle-cli.mjs):
// they must be what yargs renders from today's sources, at every width they were rendered for.
const BUNDLE = fileURLToPath(new URL('../../packages/doctor/bundle/', import.meta.url));

async function yargsHelp(path: string, columns: number): Promise<string> {
  const { io, stdout } = bufferedIo({ columns });
  expect(await main([...(path ? path.split(' ') : []), '--help'], io)).toBe(0);
  return stdout();
}

describe('help rendered at build time', () => {
  it('equals what yargs renders from the sources, for every command and width', async () => {
    for (const width of RENDERED_WIDTHS) {
      const texts = JSON.parse(await readFile(`${BUNDLE}${renderedHelpName(width)}`, 'utf8')) as RenderedHelp;
      expect(Object.keys(texts)).toEqual(
        expect.arrayContaining(['', 'run', 'triage', 'probe turn', 'probe dns', 'probe cert', 'explain', 'checks', 'serve']),
      );
      for (const [path, text] of Object.entries(texts)) expect(text, `${path} --help at ${width}`).toBe(await yargsHelp(path, width));
    }
  }, 60_000);

  it('checks in both formats equals what the command prints from the sources', async () => {
    const rendered = JSON.parse(await readFile(`${BUNDLE}${RENDERED_CHECKS_NAME}`, 'utf8')) as RenderedChecks;
    for (const format of ['text', 'json'] as const) {
      const { io, stdout } = bufferedIo();
      expect(await main(['checks', '--format', format], io)).toBe(0);
      expect(rendered[format], format).toBe(stdout());
    }
    expect(checksFormat(['checks'])).toBe('text');
    expect(checksFormat(['checks', '--format=json'])).toBe('json');
    expect(checksFormat(['checks', '--format', 'html'])).toBeUndefined();
    expect(checksFormat(['checks', '--color'])).toBeUndefined();
  });

  it('answers only `[command words] --help|-h`', () => {
    expect(helpPath(['--help'])).toBe('');
    expect(helpPath(['probe', 'turn', '-h'])).toBe('probe turn');
    expect(helpPath(['triage', 'a.log', '--help'])).toBeUndefined();
    expect(helpPath(['triage', '--format', 'json', '--help'])).toBeUndefined();
    expect(helpPath(['triage'])).toBeUndefined();
  });

  it('the process prints it as yargs does, also for a path it was not rendered for', async () => {
    const r = await spawnCli(['probe', 'turn', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await yargsHelp('probe turn', 100));
    const other = await spawnCli(['triage', 'a.log', '--help']);
    expect(other.code).toBe(0);
    expect(other.stdout).toContain('cms-doctor triage <inputs..>');
  }, 30_000);
});
