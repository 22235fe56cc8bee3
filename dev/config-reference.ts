/**
 * docs/reference/config.md, generated from schemas/config.schema.ts: every key with its type, default and
 * description. `npm run docs:config` writes it; test/unit/config-reference.test.ts fails when it is stale or a key
 * has no description.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { configSchema } from '../schemas/config.schema';
import { REPO_ROOT } from './simulator/launch';

export const CONFIG_REFERENCE = join(REPO_ROOT, 'docs', 'reference', 'config.md');

export interface SchemaNode {
  type?: string | readonly string[];
  enum?: readonly unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  oneOf?: readonly SchemaNode[];
  anyOf?: readonly SchemaNode[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  pattern?: string;
  format?: string;
  required?: readonly string[];
}

export interface ConfigKey {
  path: string;
  type: string;
  default?: string;
  required: boolean;
  description?: string;
}

function typeOf(node: SchemaNode): string {
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (node.const !== undefined) return JSON.stringify(node.const);
  const alternatives = node.oneOf ?? node.anyOf;
  if (alternatives) return alternatives.map(typeOf).join(' or ');
  const base = Array.isArray(node.type) ? node.type.join(' or ') : ((node.type as string | undefined) ?? 'any');
  if (base === 'array' && node.items) return `array of ${typeOf(node.items)}`;
  const bounds = [
    node.minimum !== undefined && `≥ ${node.minimum}`,
    node.exclusiveMinimum !== undefined && `> ${node.exclusiveMinimum}`,
    node.maximum !== undefined && `≤ ${node.maximum}`,
    node.format && node.format,
  ].filter(Boolean);
  return bounds.length > 0 ? `${base} (${bounds.join(', ')})` : base;
}

/** Every key of the config, depth first in the schema's order. A map's values are keyed `<name>`. */
export function configKeys(node: SchemaNode = configSchema, at = ''): ConfigKey[] {
  const keys: ConfigKey[] = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const path = at ? `${at}.${name}` : name;
    keys.push({
      path,
      type: typeOf(child),
      ...(child.default !== undefined &&
        !(typeof child.default === 'object' && Object.keys(child.default as object).length === 0) && {
          default: JSON.stringify(child.default),
        }),
      required: node.required?.includes(name) ?? false,
      ...(child.description && { description: child.description }),
    });
    keys.push(...nested(child, path));
  }
  return keys;
}

function nested(child: SchemaNode, path: string): ConfigKey[] {
  if (child.properties) return configKeys(child, path);
  if (child.items?.properties) return configKeys(child.items, `${path}[]`);
  if (typeof child.additionalProperties === 'object' && child.additionalProperties.properties)
    return configKeys(child.additionalProperties, `${path}.<name>`);
  return [];
}

/** The reference page. */
export function configReference(): string {
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const rows = configKeys().map(
    (k) =>
      `| \`${k.path}\` | ${cell(k.type)} | ${k.default === undefined ? (k.required ? 'required' : '') : `\`${cell(k.default)}\``} | ${cell(k.description ?? '')} |`,
  );
  return [
    '# Configuration reference',
    '',
    'Generated from `schemas/config.schema.ts` by `npm run docs:config`; do not edit by hand. Every key of the config',
    'file, with its type, default and what it does. Values may also come from the environment where',
    '[the guide](../guide/README.md) says so; secrets always do ([Secrets](../guide/encryption.md#secrets)).',
    '',
    '| key | type | default | description |',
    '| --- | ---- | ------- | ----------- |',
    ...rows,
    '',
  ].join('\n');
}

/** The keys a schema leaves without a description: each must say what it does before the reference is written. */
export function undocumentedKeys(schema?: SchemaNode): string[] {
  return configKeys(schema).flatMap((k) => (k.description ? [] : [k.path]));
}

if (require.main === module) {
  mkdirSync(dirname(CONFIG_REFERENCE), { recursive: true });
  writeFileSync(CONFIG_REFERENCE, configReference());
  const undocumented = undocumentedKeys();
  console.log(`wrote ${CONFIG_REFERENCE}; keys without a description: ${undocumented.length}`);
  for (const path of undocumented) console.log(`  ${path}`);
  if (undocumented.length > 0) process.exitCode = 1;
}
