import { TARGET_OPTIONS, SECRETS } from '../target-options.js';

/** How a user supplies a missing input, in words a support engineer types. */
export function needsLabel(need: string): string {
  if (need.includes('|')) return need.split('|').map(needsLabel).join(' or ');
  if (need.startsWith('file:')) return `a ${need.slice(5)} file`;
  const secret = SECRETS.find((s) => s.field === need);
  if (secret) return `--${secret.fileFlag} or ${secret.env}`;
  const opt = TARGET_OPTIONS.find((o) => o.field === need);
  return opt ? `--${opt.flag}` : need;
}
