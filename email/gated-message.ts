import { Readable } from 'node:stream';

/**
 * The message's bytes, holding back the last one until `beforeLast` has run. A relay accepts a message only after
 * its end, so whatever `beforeLast` records (that the message is being handed over) is durable before the relay can
 * say 250; if it throws, the message ends unfinished and the relay discards it.
 */
export function gatedMessage(raw: Buffer, beforeLast: () => Promise<void>): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent < raw.length - 1) {
        const end = Math.min(raw.length - 1, sent + 64 * 1024);
        this.push(raw.subarray(sent, end));
        sent = end;
        return;
      }
      if (sent === raw.length - 1) {
        sent = raw.length;
        beforeLast().then(
          () => {
            this.push(raw.subarray(raw.length - 1));
            this.push(null);
          },
          (err: unknown) => this.destroy(err as Error),
        );
      }
    },
  });
}
