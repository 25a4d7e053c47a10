import type { Area } from './model.js';

/** One input file of an offline run (possibly a member of an archive). */
export interface TriageFile {
  /** As shown to the user: `bundle.tgz!/logs/syslog` for archive members. */
  readonly path: string;
  /** Real path on disk to read from (archives are unpacked into a private temp dir). */
  readonly diskPath: string;
  readonly size: number;
  /** The kind its recogniser gave it. */
  readonly kind: string;
  /** The first bytes, as the recogniser saw them. */
  readonly head: Uint8Array;
  /** Whole content; refuses files above `maxBytes` (default 64 MiB) with a CmsDoctorError. */
  bytes(maxBytes?: number): Promise<Buffer>;
  text(maxBytes?: number): Promise<string>;
  /** Streams the content line by line without holding the file in memory. */
  lines(): AsyncIterable<string>;
  /** A recognised file whose content turned out unusable: listed as unreadable with the reason. */
  reject(reason: string): void;
}

/** Says what a file is by its content. `head` is at most HEAD_BYTES from the start. */
export interface Recogniser {
  readonly kind: string;
  readonly area: Area;
  readonly description: string;
  /** Higher runs first; use it when a more specific recogniser must win (e.g. MMP `webbridge` over generic text). */
  readonly priority?: number;
  recognise(head: Uint8Array, name: string): boolean;
}

export const HEAD_BYTES = 64 * 1024;

export interface FileRecord {
  path: string;
  kind: string;
  reason?: string;
}
