import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  raw: Buffer;
  parsed: ParsedMail;
  envelope: { from: string; to: string[] };
  /** Where the .eml (and .html) were saved, when the sink saves. */
  savedAs?: string;
}

export interface SmtpSink {
  port: number;
  messages: ReceivedMail[];
  /** Resolves once `count` messages have arrived; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  port?: number;
  /** Save every message as <n>-<subject>.eml (+ .html) here. */
  saveDir?: string;
  /** Refuse the first N messages with "451 try again later", as a busy relay does. */
  refuseFirst?: number;
  /** Never answer the first N messages' DATA (a relay that hangs); they are not delivered. */
  stallFirst?: number;
  /** Refuse these recipients at RCPT TO with 550, as a relay does for an unknown mailbox; the others still get it. */
  refuseRecipients?: string[];
  /** Keep each message this long before answering 250 (a slow relay). */
  acceptDelayMs?: number;
  /** Called once a message's DATA has arrived, before it is answered. */
  onData?: () => void;
  /** While this says so, answer every connection "421 4.3.2 service not available", as a relay in maintenance does. */
  refuseConnections?: () => boolean;
}

/** A real SMTP server on loopback that keeps what it receives: the demo's inbox and the tests' witness. */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const waiters: (() => void)[] = [];
  let refusals = options.refuseFirst ?? 0;
  let stalls = options.stallFirst ?? 0;
  /** Stalled sessions, ended when the sink closes. */
  const stalled: (() => void)[] = [];

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      if (options.refuseConnections?.()) {
        callback(Object.assign(new Error('4.3.2 service not available, try again later'), { responseCode: 421 }));
        return;
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (options.refuseRecipients?.includes(address.address)) {
        callback(Object.assign(new Error(`<${address.address}>: mailbox unavailable`), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        options.onData?.();
        if (stalls > 0) {
          stalls--;
          stalled.push(() => callback(new Error('sink closing')));
          return;
        }
        if (refusals > 0) {
          refusals--;
          callback(Object.assign(new Error('Requested action aborted: try again later'), { responseCode: 451 }));
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw, { keepCidLinks: true })
          .then(async (parsed) => {
            const mail: ReceivedMail = {
              raw,
              parsed,
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
              },
            };
            if (options.saveDir) mail.savedAs = await save(options.saveDir, messages.length + 1, mail);
            if (options.acceptDelayMs) await new Promise((r) => setTimeout(r, options.acceptDelayMs));
            messages.push(mail);
            waiters.splice(0).forEach((wake) => wake());
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);

  return {
    port,
    messages,
    async waitForMessages(count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`SMTP sink: ${messages.length} of ${count} messages after ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return messages.slice(0, count);
    },
    close: () => {
      stalled.splice(0).forEach((end) => end());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function save(dir: string, n: number, mail: ReceivedMail): Promise<string> {
  await mkdir(dir, { recursive: true });
  const name = `${String(n).padStart(3, '0')}-${(mail.parsed.subject ?? 'message').replace(/[^\p{L}\p{N}-]+/gu, '_').slice(0, 60)}`;
  const eml = join(dir, `${name}.eml`);
  await writeFile(eml, mail.raw);
  if (typeof mail.parsed.html === 'string') await writeFile(join(dir, `${name}.html`), inlineImages(mail));
  return eml;
}

/** The saved .html opens in a browser with its chart: cid: references become data: URLs. */
function inlineImages(mail: ReceivedMail): string {
  let html = mail.parsed.html || '';
  for (const a of mail.parsed.attachments) {
    if (a.cid) html = html.replaceAll(`cid:${a.cid}`, `data:${a.contentType};base64,${a.content.toString('base64')}`);
  }
  return html;
}
