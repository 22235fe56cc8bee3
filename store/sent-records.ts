import { createHash } from 'node:crypto';
import type { EmailReceipt } from '../temporal/contracts';
import { JsonFileStore } from './json-file-store';

/**
 * Durable proof that a message went out, keyed by its Message-ID. Checked before sending, written right after the
 * SMTP server accepted, so a retried activity does not send the same report twice. (A crash in the instant between
 * the server's accept and this write can still repeat a send; the receiving side sees the same Message-ID.)
 */
export class SentRecords {
  // File names are a hash: a Message-ID has characters no file system likes.
  private readonly store: JsonFileStore<EmailReceipt & { sentAt: string }>;

  constructor(dir: string) {
    this.store = new JsonFileStore(dir, (messageId) =>
      createHash('sha256').update(messageId).digest('hex').slice(0, 40),
    );
  }

  async find(messageId: string): Promise<EmailReceipt | undefined> {
    const record = await this.store.get(messageId);
    return record && { ...record, alreadySent: true };
  }

  record(receipt: EmailReceipt & { sentAt: string }): Promise<void> {
    return this.store.put(receipt.messageId, receipt);
  }
}
