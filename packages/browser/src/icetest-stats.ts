/** Median of a list of numbers (undefined when empty). */
export function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const m = s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  return Math.round(m * 100) / 100;
}

/** Loss in percent of the pings sent, rounded to one decimal (0 when none were sent). */
export const lossPercent = (sent: number, answered: number): number =>
  sent === 0 ? 0 : Math.round(((sent - answered) / sent) * 1000) / 10;
