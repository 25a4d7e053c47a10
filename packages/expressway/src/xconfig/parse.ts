/**
 * `xConfiguration` output: the CLI's `xconfiguration` and the `xconf_dump_<host>_<time>.txt` of
 * the diagnostic log archive (Expressway Administrator Guide X15.5, "Files contained in the
 * diagnostic log archive"). Each setting is `*c xConfiguration <path>: <value>`; a copy out of a
 * web page can run several settings into one line (TAC 212475), so settings are split on `*c `.
 * The status dump (`xstat_dump_*`) has the same form with `*s xStatus`.
 */

export interface XSetting {
  /** Path words after `xConfiguration` / `xStatus`, as written. */
  path: string;
  value: string;
  line: number;
}

const SETTING = /\*([cs])\s+x(Configuration|Status)\s+([A-Za-z0-9][A-Za-z0-9 _.-]*?)\s*:\s*("(?:[^"\\]|\\.)*"|\S+)/g;

export function parseXSettings(text: string, kind: 'Configuration' | 'Status' = 'Configuration'): XSetting[] {
  const out: XSetting[] = [];
  text.split(/\r?\n|\r/).forEach((raw, i) => {
    for (const m of raw.matchAll(SETTING)) {
      if (m[2] !== kind) continue;
      const v = m[4]!;
      out.push({ path: m[3]!.trim(), value: v.startsWith('"') ? v.slice(1, -1) : v, line: i + 1 });
    }
  });
  return out;
}

export interface ZoneTlsVerify {
  zone: string;
  mode?: { value: string; line: number };
  subjectName?: { value: string; line: number };
}

/** `Zones Zone 6 DNS SIP TLS Verify Mode` / `... Subject Name` (TAC 212475), any zone type. */
export function zoneTlsVerify(settings: readonly XSetting[]): ZoneTlsVerify[] {
  const zones = new Map<string, ZoneTlsVerify>();
  for (const s of settings) {
    const m = /^Zones Zone (\d+) .*TLS Verify (Mode|Subject Name)$/i.exec(s.path);
    if (!m) continue;
    const z = zones.get(m[1]!) ?? { zone: m[1]! };
    if (/mode/i.test(m[2]!)) z.mode ??= { value: s.value, line: s.line };
    else z.subjectName ??= { value: s.value, line: s.line };
    zones.set(m[1]!, z);
  }
  return [...zones.values()];
}

export const looksLikeXConfiguration = (text: string): boolean => /\*c\s+xConfiguration\s+[A-Za-z]/.test(text);
export const looksLikeXStatus = (text: string): boolean => /\*s\s+xStatus\s+[A-Za-z]/.test(text);
