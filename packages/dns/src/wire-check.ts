/**
 * Why a DNS message did not decode whole. dns2 (3.0.0, the last to run on Node 20) drops a record
 * it cannot parse without saying so; this walks the raw message the same way, so an answer that
 * lost its records is reported as what was received ("answers[0]: compression pointer cycle"),
 * never as "NOERROR, no data".
 */
const SECTIONS = ['questions', 'answers', 'authorities', 'additionals'] as const;

type Walk = { next: number } | { problem: string };

/** Follows one name's labels and compression pointers from `at`; a pointer seen twice is a cycle. */
function walkName(bytes: Uint8Array, at: number): Walk {
  const seen = new Set<number>();
  let pos = at;
  let next: number | undefined;
  for (let steps = 0; steps < 256; steps++) {
    if (pos >= bytes.length) return { problem: `name runs past the end of the message at offset ${pos}` };
    const len = bytes[pos]!;
    if (len === 0) return { next: next ?? pos + 1 };
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= bytes.length) return { problem: `truncated compression pointer at offset ${pos}` };
      const target = ((len & 0x3f) << 8) | bytes[pos + 1]!;
      if (seen.has(target) || target === pos) return { problem: `compression pointer cycle at offset ${pos}` };
      seen.add(target);
      next ??= pos + 2;
      pos = target;
      continue;
    }
    if ((len & 0xc0) !== 0) return { problem: `unknown label type 0x${len.toString(16)} at offset ${pos}` };
    pos += 1 + len;
  }
  return { problem: `name longer than 255 labels at offset ${at}` };
}

/** The first record of the message that cannot be decoded, e.g. `answers[0]: compression pointer cycle at offset 44`. */
export function firstUndecodable(bytes: Uint8Array): string | undefined {
  if (bytes.length < 12) return `message shorter than its 12-byte header (${bytes.length} bytes)`;
  const counts = [4, 6, 8, 10].map((o) => (bytes[o]! << 8) | bytes[o + 1]!);
  let pos = 12;
  for (const [s, section] of SECTIONS.entries()) {
    for (let i = 0; i < counts[s]!; i++) {
      const name = walkName(bytes, pos);
      if ('problem' in name) return `${section}[${i}]: ${name.problem}`;
      pos = name.next;
      const fixed = section === 'questions' ? 4 : 10;
      if (pos + fixed > bytes.length) return `${section}[${i}]: record truncated at offset ${pos}`;
      if (section !== 'questions') {
        const rdlength = (bytes[pos + 8]! << 8) | bytes[pos + 9]!;
        pos += 10 + rdlength;
        if (pos > bytes.length) return `${section}[${i}]: record data runs past the end of the message`;
      } else pos += 4;
    }
  }
  return undefined;
}
