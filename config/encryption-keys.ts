/** The payload encryption keys, parsed from the environment with the other secrets (config/config.ts). */
export interface EncryptionKeys {
  /** The key new payloads are encrypted with: the first one listed. */
  activeKeyId: string;
  /** Every key that may still have to decrypt a payload, by id. */
  keys: ReadonlyMap<string, Buffer>;
}

/**
 * Keys as the environment gives them: "id:base64key[,id:base64key…]", each key 32 bytes (AES-256). The first is
 * the active one; the others only decrypt. Rotate by putting a new key first and keeping the old ones listed.
 */
export function parseEncryptionKeys(value: string, source = 'SALES_REPORT_ENCRYPTION_KEYS'): EncryptionKeys {
  const keys = new Map<string, Buffer>();
  const problems: string[] = [];
  for (const [i, entry] of value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .entries()) {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const key = Buffer.from(colon > 0 ? entry.slice(colon + 1) : '', 'base64');
    if (!/^[\w.-]{1,64}$/.test(id)) problems.push(`entry ${i + 1}: needs "<key id>:<base64 key>"`);
    else if (key.length !== 32) problems.push(`key "${id}": ${key.length} bytes after base64, AES-256 needs 32`);
    else if (keys.has(id)) problems.push(`key "${id}" is listed twice`);
    else keys.set(id, key);
  }
  const activeKeyId = keys.keys().next().value;
  if (problems.length > 0 || activeKeyId === undefined) {
    throw new Error(`${source}: ${problems.join('; ') || 'no key given'}`);
  }
  return { activeKeyId, keys };
}
