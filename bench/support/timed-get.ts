import { type Agent, request } from 'node:http';

/**
 * One GET with a raw node:http client, timed at the three moments that tell streaming from
 * buffering: the response head arrived, the first body byte arrived, the last one did.
 * node:http hands over body bytes as the socket delivers them (no decoding, no
 * decompression: send `accept-encoding: identity` to get the bytes as the server made
 * them), so the first 'data' event is the first body byte.
 */
export interface TimedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  headersMs: number;
  ttfbMs: number;
  totalMs: number;
  bytes: number;
  /** When each asked-for marker (ASCII) was first seen in the body, ms; NaN if never. */
  marks: Record<string, number>;
  /** The whole body, when asked for. */
  body?: string;
}

export function timedGet(
  url: string,
  opts: {
    agent?: Agent;
    headers?: Record<string, string>;
    keepBody?: boolean;
    marks?: string[];
    timeoutMs?: number;
  },
): Promise<TimedResponse> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const since = () => performance.now() - started;
    const req = request(url, { agent: opts.agent, headers: opts.headers }, (res) => {
      const headersMs = since();
      let ttfbMs = Number.NaN;
      let bytes = 0;
      const chunks: Buffer[] = [];
      const wanted = opts.marks ?? [];
      const marks: Record<string, number> = Object.fromEntries(wanted.map((m) => [m, Number.NaN]));
      const overlap = Math.max(0, ...wanted.map((m) => m.length)) - 1;
      let tail = '';
      res.on('data', (chunk: Buffer) => {
        const at = since();
        if (bytes === 0) ttfbMs = at;
        bytes += chunk.length;
        if (opts.keepBody) chunks.push(chunk);
        if (wanted.length === 0) return;
        // latin1 maps bytes 1:1, so an ASCII marker split across chunks is still found.
        const text = tail + chunk.toString('latin1');
        for (const m of wanted) if (Number.isNaN(marks[m]) && text.includes(m)) marks[m] = at;
        tail = overlap > 0 ? text.slice(-overlap) : '';
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          headersMs,
          ttfbMs,
          totalMs: since(),
          bytes,
          marks,
          ...(opts.keepBody ? { body: Buffer.concat(chunks).toString('utf8') } : {}),
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
