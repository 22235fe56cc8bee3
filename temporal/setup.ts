import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { reportSearchAttributes } from './search-attributes';

/** Registers the audit search attributes where they are missing. Idempotent; says what it added. */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
): Promise<{ added: string[]; present: string[] }> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const custom = existing.customAttributes ?? {};
  const missing = reportSearchAttributes.filter((key) => !(key.name in custom));
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((key) => [key.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
      ),
    });
  }
  return {
    added: missing.map((k) => k.name),
    present: reportSearchAttributes.filter((k) => k.name in custom).map((k) => k.name),
  };
}

/**
 * The product's search attributes this namespace lacks. A worker checks at start: a run that upserts an
 * unregistered attribute would be stuck on its workflow task, so a missing one is said at once instead.
 */
export async function missingSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const custom = existing.customAttributes ?? {};
  return reportSearchAttributes.filter((key) => !(key.name in custom)).map((key) => key.name);
}
