import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

const schema = JSON.parse(readFileSync(new URL('../../packages/core/schema/report.v1.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormatsModule as unknown as (a: Ajv) => void)(ajv);
const validate = ajv.compile(schema);

/** Validates a report against the shipped JSON Schema; returns the errors as text, '' when valid. */
export function schemaErrors(report: unknown): string {
  return validate(report) ? '' : ajv.errorsText(validate.errors, { separator: '\n' });
}
