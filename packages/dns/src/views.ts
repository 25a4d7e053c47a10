import { lookup, type Lookup } from './lookup.js';
import type { QueryOptions } from './query.js';
import { formatServer, type DnsServer } from './server-address.js';
import type { RecordType } from './record.js';

/** A DNS view: what one resolver answers. `internal` and `external` are the two the deployment needs. */
export interface View {
  name: 'internal' | 'external' | (string & {});
  server: DnsServer;
}

export interface Question {
  name: string;
  type: RecordType;
}

export interface ViewAnswers {
  view: View['name'];
  server: string;
  lookups: Lookup[];
}

/**
 * Asks every view every question at once: the wall time is about one round trip
 * of the slowest resolver (plus CNAME hops), not the sum of all queries.
 */
export async function queryViews(views: readonly View[], questions: readonly Question[], opts: QueryOptions = {}): Promise<ViewAnswers[]> {
  return Promise.all(
    views.map(async (v) => ({
      view: v.name,
      server: formatServer(v.server),
      lookups: await Promise.all(questions.map((q) => lookup(v.server, q.name, q.type, opts))),
    })),
  );
}

/** The lookups of one view for one name (any type). */
export const lookupsFor = (answers: ViewAnswers | undefined, name: string): Lookup[] =>
  answers ? answers.lookups.filter((l) => l.name === name.toLowerCase().replace(/\.$/, '')) : [];
