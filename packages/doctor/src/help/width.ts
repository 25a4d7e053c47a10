/** yargs wraps `--help` to the terminal, at most 110 columns, and to 100 when stdout is no terminal. */
export const helpWidth = (columns: number | undefined): number => Math.min(110, columns || 100);
