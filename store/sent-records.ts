import { hashedName, JsonRecords } from './json-records';
import type { Store } from './store';

/** What the SMTP relay answered for one message. */
export interface EmailReceipt {
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** True when a durable record showed this report had already gone out (a retried send, or another run's). */
  alreadySent: boolean;
  /**
   * The run that sent a report ("<workflowId>/<runId>"); when it is not the run holding the receipt, that run sent
   * nothing. Receipts recorded before 2026-12-07 name it only when it was another run.
   */
  sentBy?: string;
  /**
   * "unknown": the message was handed to the relay and no answer came (a timeout at the end of DATA, a worker that
   * died waiting). It may or may not have been delivered; it is never sent again blindly.
   */
  delivery?: 'unknown';
}

export type SentRecord = EmailReceipt & { sentAt: string };

/**
 * Durable proof that a message went out, keyed by its Message-ID, in the store every worker host shares. Checked
 * before sending and created (conditionally) right after the SMTP server accepted, so a retried activity, on this
 * host or another, does not send the same report twice. What remains: a worker that dies in the instant between the
 * server's accept and this write leaves no record, and the retry sends again with the same Message-ID (which mail
 * clients use to fold duplicates).
 */
export class SentRecords {
  // Names are a hash: a Message-ID has characters no file system or URL likes.
  private readonly records: JsonRecords<SentRecord>;

  constructor(store: Store) {
    this.records = new JsonRecords(store, 'sent/', hashedName);
  }

  async find(messageId: string): Promise<EmailReceipt | undefined> {
    const record = await this.records.get(messageId);
    return record && { ...record, alreadySent: true };
  }

  /** Records the send; if another host recorded the same message first, its record stands and is returned. */
  async record(receipt: SentRecord): Promise<EmailReceipt> {
    if (await this.records.create(receipt.messageId, receipt)) return receipt;
    return (await this.find(receipt.messageId)) ?? receipt;
  }
}
