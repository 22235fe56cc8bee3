import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_REFERENCE, configKeys, configReference, undocumentedKeys } from '../../dev/config-reference';

describe('the configuration reference (docs/reference/config.md)', () => {
  it('describes every key of the schema', () => {
    expect(undocumentedKeys(), 'add a description to these keys in schemas/config.schema.ts').toEqual([]);
  });

  it('is the one generated from the schema as it is now (npm run docs:config writes it)', () => {
    expect(readFileSync(CONFIG_REFERENCE, 'utf8'), 'stale: run npm run docs:config').toBe(configReference());
  });

  it('lists nested keys, array items and map values with their types and defaults; an undescribed key is named', () => {
    const schema = {
      type: 'object',
      properties: {
        gpu: {
          type: 'object',
          description: 'The GPU.',
          properties: { maxInstances: { type: 'integer', minimum: 1, default: 1, description: 'At most.' } },
        },
        reports: {
          type: 'array',
          description: 'Reports.',
          items: { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'Its id.' } } },
        },
        sources: {
          type: 'object',
          description: 'Named sources.',
          additionalProperties: { type: 'object', properties: { path: { type: 'string' } } },
        },
      },
    };
    expect(configKeys(schema).map((k) => [k.path, k.type, k.default ?? (k.required ? 'required' : '')])).toEqual([
      ['gpu', 'object', ''],
      ['gpu.maxInstances', 'integer (≥ 1)', '1'],
      ['reports', 'array of object', ''],
      ['reports[].id', 'string', 'required'],
      ['sources', 'object', ''],
      ['sources.<name>.path', 'string', ''],
    ]);
    expect(undocumentedKeys(schema)).toEqual(['sources.<name>.path']);
  });
});
