import { type Backend, BackendUnavailableError, CommandError } from './backend';
import { BadRequest, encodeBase64, parseJson, toCommand } from './encoding';

// The Upstash REST route the worker's client uses, independent of node:http so it reads as
// the protocol it is:
//   POST /   ["SET","k","v"]   → 200 {"result": ...} | 400 {"error": "ERR ..."}
//
// Only this one: src/redis/client.ts turns auto-pipelining off and never builds a pipeline
// or a transaction, so Upstash's /pipeline and /multi-exec (and its GET /<command>/<args>
// form) are not served here. Other paths answer 404, other methods 405.

export interface Answer {
  status: number;
  body: unknown;
}

export interface ProtocolRequest {
  method: string;
  path: string;
  body: string;
  /** `Upstash-Encoding: base64` was sent. */
  base64: boolean;
}

export async function answer(backend: Backend, req: ProtocolRequest): Promise<Answer> {
  try {
    return await route(backend, req);
  } catch (error) {
    if (error instanceof BadRequest || error instanceof CommandError) {
      return { status: 400, body: { error: error.message } };
    }
    if (error instanceof BackendUnavailableError) {
      return { status: 503, body: { error: error.message } };
    }
    // A bug of ours: say so, with a 500 the client reports, rather than dropping the socket.
    const message = error instanceof Error ? error.message : String(error);
    return { status: 500, body: { error: `ERR upstash-local internal error: ${message}` } };
  }
}

async function route(backend: Backend, req: ProtocolRequest): Promise<Answer> {
  if (req.path !== '/') {
    return { status: 404, body: { error: `ERR upstash-local: no route for ${req.path}` } };
  }
  if (req.method !== 'POST') {
    return { status: 405, body: { error: `ERR upstash-local: use POST for ${req.path}` } };
  }
  const result = await backend.exec(toCommand(parseJson(req.body)));
  return { status: 200, body: { result: req.base64 ? encodeBase64(result) : result } };
}
