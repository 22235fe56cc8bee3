import { createServer, type Server } from 'node:http';
import { forward } from './forward';

/**
 * A stand-in in front of moto's S3 that can go away (while `down`, every request answers 503 as S3 does) or lose
 * writes (a PUT whose path `dropWrites` matches is answered 200 and not kept: what a misbehaving S3-compatible store,
 * NFS or a disk cache can do, and S3 itself does not).
 */
export interface S3Outage {
  url: string;
  down: boolean;
  /** Requests refused while down. */
  refused: number;
  dropWrites?: (path: string) => boolean;
  /** Writes answered 200 and not kept. */
  dropped: number;
  close(): Promise<void>;
}

export async function startS3Outage(motoUrl: string): Promise<S3Outage> {
  const target = new URL(motoUrl);
  const state: { down: boolean; refused: number; dropped: number; dropWrites?: (path: string) => boolean } = {
    down: false,
    refused: 0,
    dropped: 0,
  };
  const server: Server = createServer((req, res) => {
    if (req.method === 'PUT' && state.dropWrites?.(decodeURIComponent(req.url ?? ''))) {
      state.dropped++;
      req.resume();
      req.on('end', () => res.writeHead(200, { etag: '"0"' }).end());
      return;
    }
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
    get dropWrites() {
      return state.dropWrites;
    },
    set dropWrites(value: ((path: string) => boolean) | undefined) {
      state.dropWrites = value;
    },
    get dropped() {
      return state.dropped;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
