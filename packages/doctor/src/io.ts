import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { CmsDoctorError } from '@cms-doctor/core';

/**
 * Reads a small file the user named (config, inventory, password file): only a regular
 * file, at most `maxBytes`. A FIFO or device would block past any deadline, and an
 * unbounded read would let one argument exhaust memory.
 */
export async function readRegularFile(path: string, maxBytes: number, what: string): Promise<Buffer> {
  let fh;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new CmsDoctorError(
      'CMSD_INPUT_MISSING',
      `cannot read the ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  try {
    const st = await fh.stat();
    if (!st.isFile())
      throw new CmsDoctorError('CMSD_INPUT_MISSING', `the ${what} ${path} is not a regular file; only regular files are read`);
    if (st.size > maxBytes)
      throw new CmsDoctorError('CMSD_INPUT_MISSING', `the ${what} ${path} is ${st.size} bytes, above the ${maxBytes}-byte limit`);
    const buf = Buffer.alloc(st.size);
    const { bytesRead } = await fh.read(buf, 0, st.size, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Everything the CLI touches of the outside world, so tests can run it in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** stdout is a terminal (colour, progress). */
  stdoutTty: boolean;
  /** stderr is a terminal (spinner). */
  stderrTty: boolean;
  /** stdin is a terminal (password prompts). */
  stdinTty: boolean;
  prompt(question: string): Promise<string>;
  cwd: string;
  /** The terminal's width when stdout is one; `--help` wraps to it. */
  columns?: number;
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput;
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      // Echo the question, hide what is typed.
      if (s.startsWith(question)) write.call(rl, question);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    stdoutTty: Boolean(process.stdout.isTTY),
    stderrTty: Boolean(process.stderr.isTTY),
    stdinTty: Boolean(process.stdin.isTTY),
    prompt: promptHidden,
    cwd: process.cwd(),
    ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
  };
}

/**
 * An io with no terminal that keeps what is printed: for running the CLI in-process (tests,
 * the build's help rendering). `overrides` set the environment, width or a prompt.
 */
export function bufferedIo(overrides: Partial<CliIo> = {}): { io: CliIo; stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    env: {},
    stdoutTty: false,
    stderrTty: false,
    stdinTty: false,
    prompt: async () => {
      throw new Error('no terminal to prompt on');
    },
    cwd: process.cwd(),
    ...overrides,
  };
  return { io, stdout: () => out, stderr: () => err };
}

/** Colour on a terminal unless NO_COLOR or --no-color; FORCE_COLOR forces it on. */
export function useColor(io: CliIo, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return io.stdoutTty;
}
