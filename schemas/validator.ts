import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * An AJV set up the product's way (every error, strict schemas, formats). Each schema is compiled once, at module
 * load, by the module that validates it (config, workflow input, the model's answer): compiling is the expensive part.
 */
export function createAjv(options: { useDefaults?: boolean } = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, useDefaults: options.useDefaults ?? false });
  addFormats(ajv);
  return ajv;
}

/** "/gpu/port: must be integer" — one line per problem, JSON path first. */
export function formatSchemaErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const path = e.instancePath === '' ? '/' : e.instancePath;
    const detail =
      e.keyword === 'additionalProperties'
        ? `unknown property "${String((e.params as { additionalProperty: string }).additionalProperty)}"`
        : e.keyword === 'enum'
          ? `${e.message ?? 'invalid'}: ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
          : (e.message ?? e.keyword);
    return `${path}: ${detail}`;
  });
}
