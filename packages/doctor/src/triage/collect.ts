import { lstat, readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { CmsDoctorError, describeError, type Recogniser } from '@cms-doctor/core';
import { archiveKindOf, extract, makeWorkDir, type Extraction, type ExtractResult } from './archive.js';
import { DEFAULT_TRIAGE_LIMITS, ExtractionBudget, type TriageLimits } from './budget.js';
import { readHead, type FileEntry } from './input-file.js';

export interface Collected {
  entries: FileEntry[];
  /** Temp folders of unpacked archives; dispose when the run ends. */
  workDirs: Extraction[];
}

export interface CollectOptions {
  /** Run-wide caps; the defaults are in DEFAULT_TRIAGE_LIMITS. */
  limits?: Partial<TriageLimits>;
  /** The run's deadline: extraction stops when it fires. */
  signal?: AbortSignal;
}

/** What a file that is not a regular file is, for the report. */
function specialKind(st: Stats): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** The archive's own line in the file list: how extraction ended, when it ended early. */
function archiveReason(r: ExtractResult): string | undefined {
  const parts: string[] = [];
  if (r.broken !== undefined) parts.push(`truncated or corrupt after ${r.members} member(s): ${r.broken}`);
  if (r.stopped !== undefined) parts.push(`extraction stopped after ${r.members} member(s): ${r.stopped}`);
  if (r.skipped.length)
    parts.push(`skipped: ${r.skipped.slice(0, 5).join('; ')}${r.skipped.length > 5 ? ` (and ${r.skipped.length - 5} more)` : ''}`);
  return parts.length ? parts.join('; ') : undefined;
}

/** Says what a file is by its content: the first recogniser that claims its head. */
export function recognise(recognisers: readonly Recogniser[], head: Uint8Array, name: string): Recogniser | undefined {
  for (const r of recognisers) {
    try {
      if (r.recognise(head, name)) return r;
    } catch {
      // A recogniser that throws on odd bytes simply does not claim the file.
    }
  }
  return undefined;
}

/**
 * Walks files, folders and archives (tar, tar.gz, gzip, zip, found by content, nested up to
 * three deep), and gives every file a kind or the reason it was not used. Missing inputs
 * are a usage error; everything else is listed, never fatal.
 */
export async function collectInputs(
  inputs: readonly string[],
  recognisers: readonly Recogniser[],
  opts: CollectOptions = {},
): Promise<Collected> {
  const limits: TriageLimits = { ...DEFAULT_TRIAGE_LIMITS, ...opts.limits };
  const budget = new ExtractionBudget(limits);
  const signal = opts.signal;
  const MAX_FILES = limits.maxFiles;
  const MAX_ARCHIVE_DEPTH = limits.maxDepth;
  const entries: FileEntry[] = [];
  const workDirs: Extraction[] = [];
  for (const input of inputs) {
    try {
      await lstat(input);
    } catch {
      throw new CmsDoctorError('CMSD_INPUT_MISSING', `input not found: ${input}`);
    }
  }

  const addFile = async (diskPath: string, shown: string, depth: number): Promise<void> => {
    if (entries.length >= MAX_FILES) return;
    let head: Uint8Array;
    let size: number;
    try {
      ({ head, size } = await readHead(diskPath));
    } catch (e) {
      entries.push({ path: shown, diskPath, size: 0, kind: 'unreadable', head: new Uint8Array(), reason: describeError(e) });
      return;
    }
    if (size === 0) {
      entries.push({ path: shown, diskPath, size, kind: 'unrecognised', head, reason: 'empty file' });
      return;
    }
    const archive = archiveKindOf(head);
    if (archive) {
      if (depth >= MAX_ARCHIVE_DEPTH) {
        entries.push({
          path: shown,
          diskPath,
          size,
          kind: 'unrecognised',
          head,
          reason: `archive nested deeper than ${MAX_ARCHIVE_DEPTH}`,
        });
        return;
      }
      const work = await makeWorkDir();
      workDirs.push(work);
      try {
        const result = await extract(archive, diskPath, basename(diskPath), work.dir, budget, signal);
        const reason = archiveReason(result);
        // An archive that ended early is a file-level finding (kind unreadable); what was read is still used.
        const ended = result.broken !== undefined || result.stopped !== undefined;
        entries.push({
          path: shown,
          diskPath,
          size,
          kind: ended ? 'unreadable' : `archive-${archive}`,
          head,
          ...(reason ? { reason } : {}),
        });
        await addTree(work.dir, work.dir, `${shown}!`, depth + 1);
      } catch (e) {
        entries.push({
          path: shown,
          diskPath,
          size,
          kind: 'unreadable',
          head,
          reason: `${archive} archive could not be opened: ${describeError(e)}`,
        });
      }
      return;
    }
    const r = recognise(recognisers, head, basename(shown));
    entries.push(
      r
        ? { path: shown, diskPath, size, kind: r.kind, head }
        : { path: shown, diskPath, size, kind: 'unrecognised', head, reason: 'its content matched no known kind' },
    );
  };

  const addTree = async (dir: string, root: string, shownPrefix: string | undefined, depth: number): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (e) {
      entries.push({ path: dir, diskPath: dir, size: 0, kind: 'unreadable', head: new Uint8Array(), reason: describeError(e) });
      return;
    }
    for (const name of names) {
      const p = join(dir, name);
      const shown = shownPrefix === undefined ? p : `${shownPrefix}/${relative(root, p)}`;
      const st = await lstat(p).catch(() => undefined);
      if (!st) continue;
      // Symlinks are not followed: a bundle must not make us read outside it or loop.
      if (st.isSymbolicLink())
        entries.push({
          path: shown,
          diskPath: p,
          size: 0,
          kind: 'unrecognised',
          head: new Uint8Array(),
          reason: 'symbolic link not followed',
        });
      else if (st.isDirectory()) await addTree(p, root, shownPrefix, depth);
      else if (st.isFile()) await addFile(p, shown, depth);
      else special(p, shown, st);
    }
  };

  // Never opened: reading a FIFO or a device would wait forever, past any deadline.
  const special = (diskPath: string, shown: string, st: Stats): void => {
    entries.push({
      path: shown,
      diskPath,
      size: 0,
      kind: 'unreadable',
      head: new Uint8Array(),
      reason: `${specialKind(st)}: only regular files, folders and archives are read`,
    });
  };

  for (const input of inputs) {
    // Inputs named by the user are followed if they are links; links inside folders are not.
    const st = await stat(input).catch(() => lstat(input));
    if (st.isDirectory()) await addTree(input, input, undefined, 0);
    else if (st.isFile()) await addFile(input, input, 0);
    else special(input, input, st);
  }
  return { entries, workDirs };
}
