import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A group robot's webhook on loopback, as the demo's chat: it keeps each card it is sent, and answers as DingTalk. */
export interface ChatRobot {
  /** The webhook URL to configure (reports[].chat[].url). */
  url: string;
  /** The files of the cards received, in order. */
  saved: string[];
  close(): Promise<void>;
}

export async function startChatRobot(saveDir: string): Promise<ChatRobot> {
  mkdirSync(saveDir, { recursive: true });
  const saved: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const file = join(saveDir, `${saved.length + 1}-card.json`);
      writeFileSync(file, Buffer.concat(chunks));
      saved.push(file);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/robot/send?access_token=demo`,
    saved,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
