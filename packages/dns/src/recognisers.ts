import type { Recogniser } from '@cms-doctor/core';
import { decodeText, HEAD_BYTES } from '@cms-doctor/core';
import { isClass, isType, parseTtl, tokenize } from './rr-text.js';
import { parseZone } from './zone-parse.js';
import { promptCommand, tidyLines } from './human-text.js';
import { looksLikeNamedConf } from './named-conf.js';

/** The head as tidy text lines (BOM, UTF-16, CRLF, `Line NNN:`, quoting handled), without a last line the cut may have broken. */
export function headLines(head: Uint8Array): string[] {
  const text = decodeText(head);
  if (text === undefined) return []; // binary
  const lines = tidyLines(text);
  if (head.length >= HEAD_BYTES) lines.pop();
  return lines;
}

/** `name. TTL CLASS TYPE data`: dig's full record form (absolute owner, TTL and class present). */
function fullFormRecord(line: string): boolean {
  const f = tokenize(line);
  return (
    f.length >= 5 &&
    (f[0] as string).endsWith('.') &&
    parseTtl(f[1] as string) !== undefined &&
    isClass(f[2] as string) &&
    isType(f[3] as string)
  );
}

const isPrompt = (line: string, tool: string): boolean => !line.trim().startsWith(';') && promptCommand(line, tool) !== undefined;

/**
 * By content: dig's banner or header anywhere in the head; a typed `dig` command followed by
 * dig's section markers or records; or `+noall +answer` output (only full-form records).
 */
export function looksLikeDig(head: Uint8Array): boolean {
  const lines = headLines(head);
  const text = lines.join('\n');
  if (/^\s*;\s*<<>>\s*DiG\s/m.test(text) || /^\s*;;\s*->>HEADER<<-\s*opcode:/im.test(text)) return true;
  const typed = lines.some((l) => isPrompt(l, 'dig'));
  const sections = /^\s*;;\s*(?:QUESTION|ANSWER|AUTHORITY|ADDITIONAL) SECTION:/m.test(text);
  const body = lines.map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith(';') && !isPrompt(l, 'dig'));
  const records = body.filter((l) => !l.startsWith('$') && !l.includes('(') && fullFormRecord(l)).length;
  if (sections && records > 0 && (typed || records === body.length)) return true;
  if (typed && /(^|\s)\+short\b/.test(lines.find((l) => isPrompt(l, 'dig')) ?? '') && body.length > 0) return true;
  return body.length > 0 && records === body.length && !lines.some((l) => /^\s*\$(ORIGIN|TTL)\s/i.test(l));
}

/** By content: a master file with $ORIGIN/$TTL or an SOA, whose lines mostly parse as records. */
export function looksLikeZone(head: Uint8Array): boolean {
  const lines = headLines(head);
  if (lines.length === 0) return false;
  const text = lines.join('\n');
  if (!/^\$(ORIGIN|TTL)\s/im.test(text) && !/\sSOA\s/i.test(text)) return false;
  const z = parseZone(text);
  return z.records.length > 0 && z.errors.length <= z.records.length / 4;
}

const NSLOOKUP_ANSWER =
  /^\s*(?:Non-authoritative answer:|Name:\s+\S+|Address(?:es)?:\s+\S+|\S+\s+(?:SRV service location:|internet address\s*=|AAAA IPv6 address\s*=|canonical name\s*=|service\s*=|mail exchanger\s*=|nameserver\s*=)|\*\*\*?\s*(?:\S+\s+)?can'?t find\s)/im;

/** By content: nslookup's `Server:`/`Address:` pair with an answer, its `SRV service location:` blocks, or a typed `nslookup`. */
export function looksLikeNslookup(head: Uint8Array): boolean {
  const lines = headLines(head);
  const text = lines.join('\n');
  if (/^\S+\s+SRV service location:\s*$/m.test(text) && /^\s*svr hostname\s*=/m.test(text)) return true;
  const serverPair = /^\s*(?:Default\s+)?Server:\s+\S+.*\n\s*Address(?:es)?:\s+\S+/im.test(text);
  const typed = lines.some((l) => isPrompt(l, 'nslookup'));
  return (serverPair || typed) && NSLOOKUP_ANSWER.test(text.replace(/^\s*(?:Default\s+)?Server:.*\n\s*Address.*$/gim, ''));
}

const HOST_LINE =
  /^\s*\S+\s+(?:has (?:IPv6 )?address\s|is an alias for\s|mail is handled by\s|name server\s|domain name pointer\s|has \w+ record\s|has no \w+ record)|^\s*Host\s+\S+\s+not found:/i;
const HOST_FRAME = /^\s*(?:Nameserver\s+\S+:?|Using domain server:|Name:\s*\S*|Address:\s*\S*|Aliases:\s*.*)$/i;

/** By content: most lines are `host`'s sentences (`x has address a`, `Host x not found: 3(NXDOMAIN)`). */
export function looksLikeHost(head: Uint8Array): boolean {
  const lines = headLines(head)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !isPrompt(l, 'host'));
  const said = lines.filter((l) => HOST_LINE.test(l)).length;
  const frame = lines.filter((l) => HOST_FRAME.test(l)).length;
  return said > 0 && said + frame >= lines.length * 0.8;
}

export const digRecogniser: Recogniser = {
  kind: 'dig',
  area: 'dns',
  description: 'output of the dig command (full, +noall +answer or +short form, with or without the prompt line)',
  priority: 20,
  recognise: (head) => looksLikeDig(head),
};

export const nslookupRecogniser: Recogniser = {
  kind: 'nslookup',
  area: 'dns',
  description: 'output of nslookup (Windows or Linux, batch or interactive, set type=SRV)',
  priority: 19,
  recognise: (head) => !looksLikeDig(head) && looksLikeNslookup(head),
};

export const hostRecogniser: Recogniser = {
  kind: 'host',
  area: 'dns',
  description: 'output of the host command',
  priority: 18,
  recognise: (head) => !looksLikeDig(head) && looksLikeHost(head),
};

export const namedConfRecogniser: Recogniser = {
  kind: 'named-conf',
  area: 'dns',
  description: 'BIND configuration (named.conf): zones and views',
  priority: 15,
  recognise: (head) => {
    const text = decodeText(head);
    return text !== undefined && looksLikeNamedConf(text);
  },
};

export const zoneRecogniser: Recogniser = {
  kind: 'zone',
  area: 'dns',
  description: 'DNS zone file (BIND master file format)',
  priority: 10,
  recognise: (head) => !looksLikeDig(head) && looksLikeZone(head),
};
