import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { EncryptionKeys } from '../config/encryption-keys';

export type { EncryptionKeys };

/** The `encoding` of a payload this codec encrypted. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Which key encrypted a payload: kept in its metadata, so keys can rotate while old payloads stay readable. */
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const utf8 = new TextEncoder();
const text = new TextDecoder();

/**
 * Temporal's own mechanism for keeping data out of the server: every payload (inputs, results, signals, memos,
 * failure details) is serialised and sealed with AES-256-GCM on the worker, the CLI and every client, so the server,
 * its operator and anyone reading history see ciphertext. The key id travels in the payload's metadata.
 */
export class AesGcmCodec implements PayloadCodec {
  constructor(private readonly encryption: EncryptionKeys) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { activeKeyId, keys } = this.encryption;
    const key = keys.get(activeKeyId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(activeKeyId) },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.encoding;
      if (!encoding || text.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
      const idBytes = payload.metadata?.[KEY_ID_METADATA];
      const keyId = idBytes ? text.decode(idBytes) : '(none)';
      const key = this.encryption.keys.get(keyId);
      if (!key) {
        throw new Error(
          `payload encrypted with key "${keyId}", which is not among the configured keys ` +
            `(${[...this.encryption.keys.keys()].join(', ')}): add it to SALES_REPORT_ENCRYPTION_KEYS`,
        );
      }
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
