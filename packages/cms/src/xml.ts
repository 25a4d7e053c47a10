import { createRequire } from 'node:module';
import type { XMLParser as XMLParserType } from 'fast-xml-parser';
import { CmsDoctorError } from '@cms-doctor/core';

/** A parsed XML element: attributes and child elements by name; text under `#text`. */
export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlNode[] | string[];

/** Largest document we parse; CMS answers are a few KiB per page. */
export const MAX_XML_CHARS = 4 * 1024 * 1024;

/**
 * Elements that repeat inside a CMS collection or a status answer. They are
 * always arrays, so one item and many items read the same way.
 */
const REPEATED = new Set([
  'turnServer',
  'webBridge',
  'callBridge',
  'coSpace',
  'inboundDialPlanRule',
  'alarm',
  'host',
  'call',
  'callLeg',
  'participant',
  'accessMethod',
  'tenant',
  'user',
  'cdrReceiver',
  'node',
]);

// fast-xml-parser loads on the first document, not with the package: triage of a log or a
// capture never parses XML (docs/decisions/lazy-loading.md). Its CommonJS build keeps parsing sync.
type Fxp = typeof import('fast-xml-parser');
let fxp: { lib: Fxp; parser: XMLParserType } | undefined;
function xmlLib(): { lib: Fxp; parser: XMLParserType } {
  if (fxp) return fxp;
  const lib = createRequire(import.meta.url)('fast-xml-parser') as Fxp;
  fxp = { lib, parser: new lib.XMLParser(PARSER_OPTIONS) };
  return fxp;
}

const PARSER_OPTIONS: ConstructorParameters<Fxp['XMLParser']>[0] = {
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Entities: fast-xml-parser does not expand nested entity references, and its size/count
  // limits stop an entity bomb; we also refuse any DOCTYPE before parsing (see parseCmsXml).
  processEntities: true,
  htmlEntities: false,
  // A leaf with a repeated name (e.g. `<callBridge>guid</callBridge>` inside a turnServer) is an
  // array too; text() reads the first item, so both shapes read the same.
  isArray: (name, _jpath, _leaf, isAttribute) => !isAttribute && REPEATED.has(name),
};

/**
 * Parses one CMS API XML document. Validates first (fast-xml-parser silently repairs
 * malformed input otherwise), refuses a DOCTYPE (CMS never sends one; it is how entity
 * bombs and external entities arrive) and oversized input. Throws CMSD_PARSE with the
 * line where the document went wrong.
 */
export function parseCmsXml(text: string, source = 'XML'): XmlNode {
  if (text.length > MAX_XML_CHARS) {
    throw new CmsDoctorError('CMSD_PARSE', `${source}: document of ${text.length} characters exceeds the ${MAX_XML_CHARS} limit`);
  }
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body === '') throw new CmsDoctorError('CMSD_PARSE', `${source}: empty document`);
  const doctype = /<!DOCTYPE/i.exec(body);
  if (doctype) {
    const line = body.slice(0, doctype.index).split('\n').length;
    throw new CmsDoctorError('CMSD_PARSE', `${source}: a DOCTYPE/entity declaration is not accepted (CMS never sends one)`, {
      place: { line },
    });
  }
  const valid = xmlLib().lib.XMLValidator.validate(body, { allowBooleanAttributes: false });
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new CmsDoctorError('CMSD_PARSE', `${source}: not well-formed XML at line ${line}, column ${col}: ${msg}`, { place: { line } });
  }
  try {
    return xmlLib().parser.parse(body) as XmlNode;
  } catch (e) {
    throw new CmsDoctorError('CMSD_PARSE', `${source}: ${(e as Error).message}`, { cause: e });
  }
}

/** The root element name and node of a parsed document (skipping the `?xml` declaration). */
export function rootOf(doc: XmlNode): { name: string; node: XmlNode } | undefined {
  for (const [name, value] of Object.entries(doc)) {
    if (name.startsWith('?')) continue;
    return { name, node: asNode(value) };
  }
  return undefined;
}

/** An element as a node: `<a/>` and `<a></a>` parse to '' and become {}. */
export function asNode(v: XmlValue | undefined): XmlNode {
  if (v === undefined || typeof v === 'string') return {};
  if (Array.isArray(v)) return asNode(v[0] as XmlValue | undefined);
  return v;
}

/** Children named `name`, always as a list. */
export function childList(node: XmlNode, name: string): XmlNode[] {
  const v = node[name];
  if (v === undefined) return [];
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? {} : x));
  return [typeof v === 'string' ? {} : v];
}

/** Text of a child element (or attribute with `@`); undefined when absent. Case-insensitive fallback. */
export function text(node: XmlNode, name: string): string | undefined {
  let v = node[name];
  if (v === undefined) {
    const lower = name.toLowerCase();
    const key = Object.keys(node).find((k) => k.toLowerCase() === lower);
    if (key !== undefined) v = node[key];
  }
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    const first = v[0];
    return typeof first === 'string' ? first : first && typeof first['#text'] === 'string' ? first['#text'] : '';
  }
  return typeof v['#text'] === 'string' ? v['#text'] : '';
}

export const int = (s: string | undefined): number | undefined => {
  if (s === undefined || !/^-?\d+$/.test(s.trim())) return undefined;
  return Number.parseInt(s, 10);
};

export const bool = (s: string | undefined): boolean | undefined =>
  s === undefined ? undefined : s.trim() === 'true' ? true : s.trim() === 'false' ? false : undefined;
