import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** When set, every /encode and /decode call must carry "Authorization: Bearer <token>". */
  token?: string;
  /** Browser origins allowed to call (the Temporal Web UI's), answered with CORS headers. */
  allowedOrigins: string[];
  /** Largest request body accepted. */
  maxBodyBytes?: number;
}

/** A payload as the codec protocol writes it: proto3 JSON, bytes in base64. */
interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/**
 * The remote codec endpoint that the Temporal Web UI and the `temporal` CLI call to show encrypted payloads to the
 * people allowed to read them: POST /encode and POST /decode with {"payloads": [...]}, CORS for the UI's origin,
 * and an optional bearer token. It holds the keys; the server and the browser never do.
 */
export function createCodecServer(options: CodecServerOptions): Server {
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;

  function cors(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (!origin || !options.allowedOrigins.includes(origin)) return;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
    res.setHeader('Vary', 'Origin');
  }

  function authorised(req: IncomingMessage): boolean {
    if (!options.token) return true;
    const given = Buffer.from(req.headers.authorization ?? '');
    const expected = Buffer.from(`Bearer ${options.token}`);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async function body(req: IncomingMessage): Promise<JsonPayload[]> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBody) throw new HttpError(413, `request body over ${maxBody} bytes`);
      chunks.push(chunk);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new HttpError(400, 'the body is not JSON');
    }
    const payloads = (parsed as { payloads?: unknown }).payloads;
    if (!Array.isArray(payloads)) throw new HttpError(400, 'the body needs {"payloads": [...]}');
    return payloads as JsonPayload[];
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    cors(req, res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const route = /\/(encode|decode)$/.exec(new URL(req.url ?? '/', 'http://codec').pathname)?.[1];
    if (req.method !== 'POST' || !route) throw new HttpError(404, 'POST /encode or /decode');
    if (!authorised(req)) throw new HttpError(401, 'a valid "Authorization: Bearer <token>" is required');
    const payloads = (await body(req)).map(fromJson);
    let result: Payload[];
    try {
      result = route === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
    } catch (err) {
      throw new HttpError(400, (err as Error).message);
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ payloads: result.map(toJson) }));
  }

  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: (err as Error).message }));
    });
  });
}

export interface RunningCodecServer {
  url: string;
  close(): Promise<void>;
}

/** Loopback only: what no other machine can reach. */
export function isLoopback(host: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i.test(host);
}

/**
 * Starts the codec server on host:port (0 = any free port) and says where it listens. It decrypts sales figures for
 * whoever asks, so beyond loopback it insists on a bearer token.
 */
export async function listenCodecServer(
  options: CodecServerOptions & { host: string; port: number },
): Promise<RunningCodecServer> {
  if (!options.token && !isLoopback(options.host)) {
    throw new Error(
      `the codec server decrypts for whoever reaches it: listening on ${options.host} needs a token (set SALES_REPORT_CODEC_TOKEN), or listen on 127.0.0.1`,
    );
  }
  const server = createCodecServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
