import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import type { EmailReceipt } from '../lib/contracts';

/**
 * Durable proof that a message went out, keyed by its Message-ID. Checked before sending, written right after the
 * SMTP server accepted, so a retried activity does not send the same report twice. (A crash in the instant between
 * the server's accept and this write can still repeat a send; the receiving side sees the same Message-ID.)
 */
export class SentRecords {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  async find(messageId: string): Promise<EmailReceipt | undefined> {
    try {
      return { ...(JSON.parse(await readFile(this.pathOf(messageId), 'utf8')) as EmailReceipt), alreadySent: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async record(receipt: EmailReceipt & { sentAt: string }): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const path = this.pathOf(receipt.messageId);
    await writeFile(`${path}.tmp`, JSON.stringify(receipt, null, 2));
    await rename(`${path}.tmp`, path);
  }

  private pathOf(messageId: string): string {
    return join(this.dir, `${createHash('sha256').update(messageId).digest('hex').slice(0, 40)}.json`);
  }
}
