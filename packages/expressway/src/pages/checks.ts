import {
  codeOf,
  CORE_CODES,
  defineCheck,
  DEFAULT_MEDIA_PORT_RANGE,
  emitterFor,
  type CheckContext,
  type FindingDraft,
  type TriageFile,
} from '@cms-doctor/core';
import { EXPRESSWAY_CODES } from '../catalogue.js';
import { parseExpresswayPages, type ExpresswayPages } from './parse.js';
import { EXPRESSWAY_PAGE } from './recognise.js';

const NEED = [`file:${EXPRESSWAY_PAGE}`] as const;
const emit = emitterFor(CORE_CODES, EXPRESSWAY_CODES);

interface ParsedPages {
  file: TriageFile;
  pages: ExpresswayPages;
}

// Every page check reads the same files; each file is parsed once per run.
const parsed = new WeakMap<TriageFile, Promise<ParsedPages | undefined>>();

function parseOnce(file: TriageFile): Promise<ParsedPages | undefined> {
  let p = parsed.get(file);
  if (!p) {
    p = file.text(8 * 1024 * 1024).then(
      (text) => ({ file, pages: parseExpresswayPages(text) }),
      (e: unknown) => {
        file.reject(`not readable as Expressway page text: ${(e as Error).message}`);
        return undefined;
      },
    );
    parsed.set(file, p);
  }
  return p;
}

/** An offline check that judges each file of copied Expressway pages on its own. */
function pageCheck(id: string, title: string, judge: (page: ParsedPages, ctx: CheckContext) => FindingDraft[]) {
  return defineCheck({
    id,
    title,
    area: 'expressway',
    modes: ['offline'],
    needs: NEED,
    async run(ctx) {
      const pages = await Promise.all(ctx.files(EXPRESSWAY_PAGE).map(parseOnce));
      return pages.flatMap((p) => (p ? judge(p, ctx) : []));
    },
  });
}

const at = (file: TriageFile, line: number): string => `${file.path}:${line}`;
const lineEv = (file: TriageFile, line: number, text: string): { kind: string; file: string; line: number; text: string } => ({
  kind: 'page-line',
  file: file.path,
  line,
  text,
});

/** Pure: is the guest account client URI the internal name? Undefined when it cannot tell. */
export function guestUriIsInternal(
  host: string,
  opts: { external?: string | undefined; internalDomain?: string | undefined },
): boolean | undefined {
  const h = host.toLowerCase();
  if (opts.internalDomain && (h === opts.internalDomain.toLowerCase() || h.endsWith(`.${opts.internalDomain.toLowerCase()}`))) return true;
  if (opts.external) return h !== opts.external.toLowerCase();
  return undefined;
}

export const guestUriConfigCheck = pageCheck(
  'expressway.guest-uri-config',
  'Expressway-C guest account client URI is the external web bridge name',
  ({ file, pages }, ctx) => {
    const findings: FindingDraft[] = [];
    const g = pages.guestUri;
    if (!g) return findings;
    const subject = at(file, g.line);
    const evidence = [
      lineEv(file, g.line, `Guest account client URI: ${g.value} (${g.from})`),
      ...pages.guestUriTargets.map((t) => lineEv(file, t.line, `resolved target ${t.name} ${t.address}`)),
    ];
    const internal = guestUriIsInternal(g.value, { external: ctx.target.external, internalDomain: ctx.target.internalDomain });
    if (internal === true) {
      const against = ctx.target.external
        ? `the external name ${ctx.target.external} (--external)`
        : `the internal domain ${ctx.target.internalDomain ?? ''} (--internal-domain)`;
      findings.push(
        emit('expressway/guest-uri-internal', {
          subject,
          detail: `The Expressway-C page (${subject}) has Guest account client URI ${g.value}, compared with ${against}. The document: the internal name there can make browsers show "Bad Request"; set it to ${ctx.target.external ?? 'the external web bridge FQDN'}.`,
          evidence,
        }),
      );
    } else if (internal === false) {
      findings.push({
        code: 'expressway/guest-uri-config',
        status: 'pass',
        title: `Expressway-C guest account client URI is the external name ${g.value}`,
        subject,
        evidence,
      });
    } else {
      findings.push({
        code: 'expressway/guest-uri-config',
        status: 'info',
        title: `Expressway-C guest account client URI is ${g.value}`,
        detail: 'give --external or --internal-domain to judge it',
        subject,
        evidence,
        needs: ['external'],
      });
    }
    const clash = pages.domains?.find((d) => d.name === g.value);
    if (clash) {
      findings.push(
        emit('expressway/guest-uri-is-mra-domain', {
          subject,
          detail: `Guest account client URI ${g.value} (line ${g.line}) is also listed as a domain (line ${clash.line}). The MRA deployment guide: when the CMS web proxy and MRA share a value, the service configured first works and the other fails.`,
          evidence: [...evidence, lineEv(file, clash.line, `domain ${clash.name}`)],
        }),
      );
    }
    return findings;
  },
);

const num = (v: { value: string } | undefined): number | undefined => {
  const n = Number(v?.value.replace(/[^\d]/g, ''));
  return v && Number.isInteger(n) && n > 0 ? n : undefined;
};

export const turnConfigCheck = pageCheck(
  'expressway.turn-config',
  'Expressway-E TURN configuration and option key',
  ({ file, pages }, ctx) => {
    const findings: FindingDraft[] = [];
    const [lo, hi] = ctx.target.mediaPortRange ?? DEFAULT_MEDIA_PORT_RANGE;
    const t = pages.turn;
    const off = [t.services, t.status].find((v) => v && /^(off|inactive)$/i.test(v.value));
    if (off) {
      findings.push(
        emit('expressway/turn-services-off', {
          subject: at(file, off.line),
          detail: `The Expressway-E TURN page (${at(file, off.line)}) shows ${off === t.services ? 'TURN services' : 'TURN server status'} ${off.value}.`,
          evidence: [lineEv(file, off.line, off.value)],
        }),
      );
    } else if (t.services || t.status) {
      const v = (t.status ?? t.services)!;
      findings.push({
        code: 'expressway/turn-config',
        status: 'pass',
        title: `Expressway-E TURN services ${v.value}`,
        subject: at(file, v.line),
        evidence: [lineEv(file, v.line, v.value), ...t.listening.map((l) => lineEv(file, l.line, `listening ${l.value}`))],
      });
    }
    const port = num(t.requestsPort);
    if (t.requestsPort && port !== 3478) {
      findings.push(
        emit('expressway/turn-port-not-3478', {
          subject: at(file, t.requestsPort.line),
          detail: `The Expressway-E TURN page (${at(file, t.requestsPort.line)}) shows TURN requests port ${t.requestsPort.value}. The document: TURN requests must go to port 3478, the port web clients use.`,
          evidence: [lineEv(file, t.requestsPort.line, t.requestsPort.value)],
        }),
      );
    }
    const start = num(t.mediaStart);
    const end = num(t.mediaEnd);
    if (start !== undefined && end !== undefined && (start !== lo || end !== hi)) {
      const fw = ctx.target.mediaPortRange ? '--media-port-range' : 'the default, as no --media-port-range was given';
      findings.push(
        emit('expressway/media-range-mismatch', {
          subject: at(file, t.mediaStart!.line),
          detail: `The Expressway-E TURN page (${at(file, t.mediaStart!.line)}) shows media port range ${start}-${end}; the firewall range is ${lo}-${hi} (${fw}).`,
          evidence: [lineEv(file, t.mediaStart!.line, `start ${start}`), lineEv(file, t.mediaEnd!.line, `end ${end}`)],
        }),
      );
    }
    if (pages.optionKeys && pages.optionKeys.length > 0) {
      const key = pages.optionKeys.find((k) => /TURN Relays/i.test(k.description));
      if (!key || !/^active$/i.test(key.status)) {
        findings.push(
          emit('expressway/turn-option-key-missing', {
            subject: at(file, key?.line ?? pages.optionKeys[0]!.line),
            detail: `${key ? `The TURN Relays option key is ${key.status}` : `None of the ${pages.optionKeys.length} option key(s) listed is TURN Relays`}. The document (X8.9) requires a TURN Relays option key; Expressway X8.11 and later need none.`,
            evidence: pages.optionKeys.map((k) => lineEv(file, k.line, `${k.description} ${k.status}`)),
          }),
        );
      }
    }
    return findings;
  },
);

export const adminPortConfigCheck = pageCheck(
  'expressway.admin-port-config',
  'Expressway-E administration port is not 443',
  ({ file, pages }) => {
    const findings: FindingDraft[] = [];
    const p = pages.adminPort;
    if (!p) return findings;
    const n = num(p);
    findings.push(
      n === 443
        ? emit('expressway/admin-port-443', {
            subject: at(file, p.line),
            detail: `The Expressway-E settings (${at(file, p.line)}) show Web administrator port ${p.value}. WebRTC guests need TCP 443 for the web proxy; the document moves administration to 445.`,
            evidence: [lineEv(file, p.line, p.value)],
          })
        : {
            code: codeOf('expressway.admin-port-config'),
            status: 'pass',
            title: `The Expressway-E web administrator port is ${p.value}`,
            subject: at(file, p.line),
            evidence: [lineEv(file, p.line, p.value)],
          },
    );
    return findings;
  },
);

export const sshTunnelsCheck = pageCheck(
  'expressway.ssh-tunnels',
  'Expressway-C SSH tunnels to the Expressway-E are active, one for the web bridge name',
  ({ file, pages }, ctx) => {
    const findings: FindingDraft[] = [];
    const tunnels = pages.sshTunnels;
    if (!tunnels || tunnels.length === 0) return findings;
    const evidence = tunnels.map((t) => lineEv(file, t.line, `${t.target} ${t.domain} ${t.status}`));
    const down = tunnels.filter((t) => !/^active$/i.test(t.status));
    const ext = ctx.target.external?.toLowerCase();
    const missing = ext !== undefined && !tunnels.some((t) => t.domain === ext);
    if (down.length > 0 || missing) {
      const parts = [
        ...(missing ? [`no tunnel for the web bridge name ${ext} (--external) among ${tunnels.map((t) => t.domain).join(', ')}`] : []),
        ...(down.length > 0 ? [`not Active: ${down.map((d) => `${d.domain} (${d.status})`).join(', ')}`] : []),
      ];
      findings.push(
        emit('expressway/ssh-tunnel-inactive', {
          subject: at(file, (down[0] ?? tunnels[0])!.line),
          detail: `The Expressway-C SSH tunnels status page: ${parts.join('; ')}.`,
          evidence,
        }),
      );
    } else {
      findings.push({
        code: codeOf('expressway.ssh-tunnels'),
        status: 'pass',
        title: `${tunnels.length} SSH tunnels active`,
        subject: at(file, tunnels[0]!.line),
        evidence,
      });
    }
    return findings;
  },
);
