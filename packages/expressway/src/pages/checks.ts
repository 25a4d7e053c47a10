import { codeOf, defineCheck, DEFAULT_MEDIA_PORT_RANGE, type CheckContext, type FindingDraft, type TriageFile } from '@cms-doctor/core';
import { parseExpresswayPages, type ExpresswayPages } from './parse.js';
import { EXPRESSWAY_PAGE } from './recognise.js';

const NEED = [`file:${EXPRESSWAY_PAGE}`] as const;

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
      findings.push({
        code: 'expressway/guest-uri-internal',
        status: 'fail',
        title: `Expressway-C guest account client URI is ${g.value}, not the external web bridge name`,
        detail: `Guests then get "Bad Request"; set it to ${ctx.target.external ?? 'the external web bridge FQDN'}.`,
        subject,
        evidence,
        fixes: ['guest-uri-external'],
        basis: 'documented',
      });
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
      findings.push({
        code: 'expressway/guest-uri-is-mra-domain',
        status: 'warn',
        title: `The guest account client URI ${g.value} is also an MRA domain`,
        detail:
          'When the CMS web proxy and MRA share a value, the service configured first works and the other fails (MRA deployment guide).',
        subject,
        evidence: [...evidence, lineEv(file, clash.line, `domain ${clash.name}`)],
        fixes: ['guest-uri-external'],
      });
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
      findings.push({
        code: 'expressway/turn-services-off',
        status: 'fail',
        title: `Expressway-E TURN is ${off.value}`,
        subject: at(file, off.line),
        evidence: [lineEv(file, off.line, off.value)],
        fixes: ['edge-turn-services'],
      });
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
      findings.push({
        code: 'expressway/turn-port-not-3478',
        status: 'warn',
        title: `Expressway-E TURN requests port is ${t.requestsPort.value}, not 3478`,
        detail: 'The document: TURN requests must go to port 3478, the port web clients use.',
        subject: at(file, t.requestsPort.line),
        evidence: [lineEv(file, t.requestsPort.line, t.requestsPort.value)],
        fixes: ['edge-turn-services'],
      });
    }
    const start = num(t.mediaStart);
    const end = num(t.mediaEnd);
    if (start !== undefined && end !== undefined && (start !== lo || end !== hi)) {
      findings.push({
        code: 'expressway/media-range-mismatch',
        status: 'warn',
        title: `Expressway-E media port range ${start}-${end} differs from the firewall range ${lo}-${hi}`,
        subject: at(file, t.mediaStart!.line),
        evidence: [lineEv(file, t.mediaStart!.line, `start ${start}`), lineEv(file, t.mediaEnd!.line, `end ${end}`)],
        fixes: ['firewall-turn'],
      });
    }
    if (pages.optionKeys && pages.optionKeys.length > 0) {
      const key = pages.optionKeys.find((k) => /TURN Relays/i.test(k.description));
      if (!key || !/^active$/i.test(key.status)) {
        findings.push({
          code: 'expressway/turn-option-key-missing',
          status: 'warn',
          title: key ? `The TURN Relays option key is ${key.status}` : 'No TURN Relays option key in the option keys list',
          detail: 'The document (X8.9) requires a TURN Relays option key; Expressway X8.11 and later need none.',
          subject: at(file, key?.line ?? pages.optionKeys[0]!.line),
          evidence: pages.optionKeys.map((k) => lineEv(file, k.line, `${k.description} ${k.status}`)),
          fixes: ['edge-turn-option-key'],
        });
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
        ? {
            code: 'expressway/admin-port-443',
            status: 'fail',
            title: 'The Expressway-E web administrator port is 443',
            detail: 'WebRTC guests need TCP 443 for the web proxy; the document moves administration to 445.',
            subject: at(file, p.line),
            evidence: [lineEv(file, p.line, p.value)],
            fixes: ['edge-admin-port'],
            basis: 'documented',
          }
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
      findings.push({
        code: 'expressway/ssh-tunnel-inactive',
        status: 'warn',
        title: missing ? `No SSH tunnel for the web bridge name ${ext}` : `SSH tunnels not active: ${down.map((d) => d.domain).join(', ')}`,
        subject: at(file, (down[0] ?? tunnels[0])!.line),
        evidence,
        fixes: ['edge-ssh-tunnels'],
      });
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
