import { request, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * Passes a stand-in's request on to the real server at `target` (with `body` when the stand-in read it, else piped),
 * and the answer back, unless `answer` takes the upstream response itself.
 */
export function forward(
  target: URL,
  req: IncomingMessage,
  res: ServerResponse,
  body?: Buffer,
  answer?: (up: IncomingMessage) => void,
): void {
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
    },
    (up) => {
      if (answer) return answer(up);
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', (err) => res.writeHead(502).end(err.message));
  if (body) upstream.end(body);
  else req.pipe(upstream);
}
