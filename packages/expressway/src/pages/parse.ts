/**
 * Parses text copied from Expressway web pages (what a customer pastes into a
 * ticket, and what the source document shows): tab-separated "label<TAB>value"
 * rows, tables under known headers, and form widgets rendered as
 * `<input type="text" value="..."/>`. Only labels the document or the Cisco
 * guides show are read; everything else is ignored.
 */

export interface PageRow {
  cells: string[];
  /** 1-based line number in the input. */
  line: number;
}

export interface ExpresswayPages {
  /** label (lower case) -> value and line, first occurrence wins per section. */
  fields: { label: string; value: string; line: number }[];
  guestUri?: { value: string; line: number; from: 'field' | 'resolved-targets' | 'success-message' };
  guestUriTargets: { name: string; address: string; line: number }[];
  optionKeys?: { description: string; status: string; line: number }[];
  domains?: { name: string; line: number }[];
  sshTunnels?: { target: string; domain: string; status: string; line: number }[];
  localUsers?: { name: string; line: number }[];
  turn: {
    requestsPort?: { value: string; line: number };
    realm?: { value: string; line: number };
    mediaStart?: { value: string; line: number };
    mediaEnd?: { value: string; line: number };
    services?: { value: string; line: number };
    tcp443?: { value: string; line: number };
    status?: { value: string; line: number };
    listening: { value: string; line: number }[];
  };
  adminPort?: { value: string; line: number };
}

/** Table headers (cells, lower case) this parser reads, and where the rows go. */
const TABLES = {
  optionKeys: ['key', 'description', 'status'],
  domains: ['index', 'domain name'],
  sshTunnels: ['target', 'domain', 'status'],
  localUsers: ['name', 'action'],
  guestTargets: ['name', 'address'],
} as const;
type TableName = keyof typeof TABLES;

/** Removes form widgets and UI glyphs; a password widget's value is never kept. */
export function normaliseLine(line: string): string {
  return line
    .replace(/<input[^>]*type\s*=\s*"password"[^>]*\/?>/gi, '')
    .replace(/<input[^>]*value\s*=\s*"([^"]*)"[^>]*\/?>/gi, '$1')
    .replace(/<input[^>]*\/?>/gi, '')
    .replace(/[ⓘ\u00a0]/g, ' ')
    .replace(/\s+$/, '');
}

/** Cells of a row: tabs separate; a trailing ":" label form is accepted too. Leading "* " marks required fields. */
export function cellsOf(line: string): string[] {
  const n = normaliseLine(line);
  let cells = n.split('\t').map((c) => c.trim());
  if (cells.length === 1) {
    const colon = /^([A-Za-z][A-Za-z0-9 ()/-]{1,60}?)\s*:\s+(.*)$/.exec(n.trim());
    if (colon) cells = [colon[1] ?? '', colon[2] ?? ''];
  }
  return cells
    .map((c) =>
      c
        .replace(/^\*\s*/, '')
        .replace(/\s*\*$/, '')
        .trim(),
    )
    .filter((c, i) => c !== '' || i === 0);
}

const same = (cells: readonly string[], header: readonly string[]): boolean =>
  cells.length === header.length && cells.every((c, i) => c.toLowerCase() === header[i]);

/** A host name out of a URI or a bare name (`https://cmsweb.octavio.com/` -> `cmsweb.octavio.com`). */
export function hostOf(uri: string): string {
  const t = uri.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return (t.split(/[/:?#\s]/)[0] ?? '').toLowerCase().replace(/\.$/, '');
}

const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\.?$/i;
export const looksLikeName = (s: string): boolean => s.length <= 253 && NAME.test(hostOf(s));

export function parseExpresswayPages(text: string): ExpresswayPages {
  const out: ExpresswayPages = { fields: [], guestUriTargets: [], turn: { listening: [] } };
  const lines = text.split(/\r?\n/);
  let table: TableName | undefined;
  let section = '';
  let pendingGuestUri = false;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i] ?? '';
    const cells = cellsOf(raw);
    const first = (cells[0] ?? '').toLowerCase();
    if (cells.length === 1 && first === '') {
      table = undefined;
      continue;
    }
    const header = (Object.keys(TABLES) as TableName[]).find((t) => same(cells, TABLES[t]));
    if (header) {
      // "Name / Address" is only the guest URI table right after its caption.
      if (header !== 'guestTargets' || section === 'guest-targets') {
        table = header;
        if (header === 'optionKeys') out.optionKeys ??= [];
        if (header === 'domains') out.domains ??= [];
        if (header === 'sshTunnels') out.sshTunnels ??= [];
        if (header === 'localUsers') out.localUsers ??= [];
        continue;
      }
    }
    if (table) {
      const want = TABLES[table].length;
      if (cells.length >= want - (table === 'localUsers' ? 1 : 0) && cells.length <= want) {
        const c = cells;
        if (table === 'optionKeys' && c.length === 3) out.optionKeys?.push({ description: c[1] ?? '', status: c[2] ?? '', line: lineNo });
        else if (table === 'domains' && c.length === 2) out.domains?.push({ name: (c[1] ?? '').toLowerCase(), line: lineNo });
        else if (table === 'sshTunnels' && c.length === 3)
          out.sshTunnels?.push({ target: c[0] ?? '', domain: (c[1] ?? '').toLowerCase(), status: c[2] ?? '', line: lineNo });
        else if (table === 'localUsers') out.localUsers?.push({ name: c[0] ?? '', line: lineNo });
        else if (table === 'guestTargets' && c.length === 2)
          out.guestUriTargets.push({ name: (c[0] ?? '').toLowerCase(), address: c[1] ?? '', line: lineNo });
        continue;
      }
      table = undefined;
    }

    const label = first;
    const value = cells.slice(1).join(' ').trim();
    if (/^guest account client uri resolved to the following targets$/.test(label)) {
      section = 'guest-targets';
      pendingGuestUri = false;
      continue;
    }
    if (label === 'turn server status') section = 'turn-status';
    else if (label === 'turn') section = 'turn';
    else if (label === 'option keys' || label === 'domains' || label === 'cisco meeting server') section = label;
    // CMS web admin (Configuration > General) uses the same label for its own, internal, URI.
    else if (label === 'web bridge settings') section = 'cms-general';
    else if (label === 'meeting server configuration' || label === 'meeting server web proxy') section = 'cisco meeting server';

    const success = /the address (\S+) resolved successfully/i.exec(raw);
    if (success?.[1] && !out.guestUri) out.guestUri = { value: success[1].toLowerCase(), line: lineNo, from: 'success-message' };

    if (label === 'guest account client uri' && section !== 'cms-general') {
      if (value && looksLikeName(value)) out.guestUri = { value: hostOf(value), line: lineNo, from: 'field' };
      else pendingGuestUri = true;
      continue;
    }
    if (pendingGuestUri && cells.length === 1) {
      pendingGuestUri = false;
      if (looksLikeName(cells[0] ?? '')) {
        out.guestUri = { value: hostOf(cells[0] ?? ''), line: lineNo, from: 'field' };
        continue;
      }
    }
    if (cells.length < 2 || !value) continue;
    out.fields.push({ label, value, line: lineNo });
    const v = { value, line: lineNo };
    if (label === 'turn requests port') out.turn.requestsPort ??= v;
    else if (label === 'authentication realm') out.turn.realm ??= v;
    else if (label === 'media port range start') out.turn.mediaStart ??= v;
    else if (label === 'media port range end') out.turn.mediaEnd ??= v;
    else if (label === 'turn services') out.turn.services ??= v;
    else if (label === 'tcp 443 turn service') out.turn.tcp443 ??= v;
    else if (label === 'status' && section === 'turn-status') out.turn.status ??= v;
    else if (/^listening address \d+$/.test(label)) out.turn.listening.push(v);
    else if (label === 'web administrator port') out.adminPort ??= v;
  }
  if (!out.guestUri && out.guestUriTargets[0]) {
    out.guestUri = { value: out.guestUriTargets[0].name, line: out.guestUriTargets[0].line, from: 'resolved-targets' };
  }
  return out;
}

/** Phrases of the pages this parser reads; the recogniser needs one of them. */
export const PAGE_MARKERS: readonly RegExp[] = [
  /Meeting Server Web Proxy/,
  /Guest account client URI resolved to the following targets/,
  /TURN requests port/,
  /Media port range start/,
  /Unified Communications SSH tunnels status/,
  /Web administrator port/,
  /^Option keys\s*$/m,
  /TURN Relays/,
  /Local authentication database/,
];
