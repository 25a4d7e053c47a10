/**
 * What people add around command output when they paste it: `Line 190:` prefixes copied out of
 * documents, `> ` mail/markdown quoting, CRLF, and shell prompts with the echoed command. Pure.
 */

const LINE_PREFIX = /^\s*Line\s+\d+\s*:\s?/i;
const QUOTE = /^\s*>(?: |$)/;

/** Lines of the text without CR, `Line NNN:` prefixes and `> ` quoting, each stripped only when most lines carry it. */
export function tidyLines(text: string): string[] {
  let lines = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
  const filled = lines.filter((l) => l.trim() !== '');
  if (filled.length === 0) return lines;
  const share = (re: RegExp): number => filled.filter((l) => re.test(l)).length / filled.length;
  if (share(LINE_PREFIX) >= 0.6) lines = lines.map((l) => l.replace(LINE_PREFIX, ''));
  // nslookup's own prompt is `> ` before commands only; quoting covers (nearly) every line.
  if (share(QUOTE) >= 0.9) lines = lines.map((l) => l.replace(/^\s*> ?/, ''));
  return lines;
}

// One pattern per tool, compiled once: recognisers ask of every line of every input's head.
const PROMPTS = new Map<string, RegExp>();
const promptPattern = (tool: string): RegExp => {
  let re = PROMPTS.get(tool);
  if (!re) {
    re = new RegExp(
      String.raw`^\s*(?:(?:PS\s+)?[A-Za-z]:\\[^>]*>\s*|\S*[$#%❯➜»>]\s+|\[[^\]]*\][$#%]\s*|)(?:sudo\s+)?${tool}(?:\.exe)?(?:\s+(.*))?$`,
      'i',
    );
    PROMPTS.set(tool, re);
  }
  return re;
};

/**
 * The command a prompt line runs: `❯ dig …`, `$ dig …`, `user@host:~$ dig …`, `# host …`,
 * `PS C:\> nslookup …`, `C:\Users\me>nslookup …`, or the bare echoed command. `undefined`
 * when the line does not run `tool`.
 */
export function promptCommand(line: string, tool: string): string | undefined {
  const m = promptPattern(tool).exec(line.trimEnd());
  if (!m) return undefined;
  return (m[1] ?? '').trim();
}
