import { createServer, type Server } from 'node:http';
import { forward } from './forward';

/** A stand-in in front of moto's S3 that can go away: while `down`, every request answers 503 as S3 does. */
export interface S3Outage {
  url: string;
  down: boolean;
  /** Requests refused while down. */
  refused: number;
  close(): Promise<void>;
}

export async function startS3Outage(motoUrl: string): Promise<S3Outage> {
  const target = new URL(motoUrl);
  const state = { down: false, refused: 0 };
  const server: Server = createServer((req, res) => {
    if (state.down) {
      state.refused++;
      req.resume();
      res
        .writeHead(503, { 'content-type': 'application/xml' })
        .end('<Error><Code>ServiceUnavailable</Code><Message>stand-in: the store is away</Message></Error>');
      return;
    }
    forward(target, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get down() {
      return state.down;
    },
    set down(value: boolean) {
      state.down = value;
    },
    get refused() {
      return state.refused;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
