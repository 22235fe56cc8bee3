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

/** What a valid key is, said with a bad one (by the rule's place in the config schema). */
const NAME_RULE: Record<string, string> = {
  '#/properties/sources/propertyNames': ' (lowercase letters, digits and -, as report ids)',
};

/** What a value of a patterned key looks like, said instead of the pattern (by the value's place in the config). */
const PATTERN_RULE: Record<string, string> = {
  '/schedule/deadline': 'a time of day such as "09:30" or a span such as "45m", "1h30m" or "90s"',
};

/** "/gpu/port: must be integer" — one line per problem, JSON path first. */
export function formatSchemaErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).flatMap((e) => {
    const path = e.instancePath === '' ? '/' : e.instancePath;
    // A bad key (propertyNames) comes as the rule it broke and then the key: said once, with the key.
    if (e.propertyName !== undefined) return [];
    if (e.keyword === 'propertyNames')
      return [
        `${path}: ${JSON.stringify((e.params as { propertyName: string }).propertyName)} is not a valid name${NAME_RULE[e.schemaPath] ?? ''}`,
      ];
    const detail =
      e.keyword === 'additionalProperties'
        ? `unknown property "${String((e.params as { additionalProperty: string }).additionalProperty)}"`
        : e.keyword === 'pattern' && PATTERN_RULE[path]
          ? `must be ${PATTERN_RULE[path]}`
          : e.keyword === 'enum'
            ? `${e.message ?? 'invalid'}: ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
            : (e.message ?? e.keyword);
    return [`${path}: ${detail}`];
  });
}
