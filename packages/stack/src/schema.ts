import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const schemaFile = new URL('../vendor/compose-spec.json', import.meta.url);

/** Validates a compose document against the official Compose specification schema (vendored, see vendor/README.md). */
export function validateComposeDocument(document: unknown): string[] {
  // The spec uses annotations (e.g. "deprecated") that strict mode rejects, and declares its meta-schema by an https id.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
  if (validate(document)) return [];
  return (validate.errors ?? []).map(
    (error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`,
  );
}

export function validateComposeText(text: string): string[] {
  return validateComposeDocument(parse(text, { merge: true }));
}
