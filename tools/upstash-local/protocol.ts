import { type Backend, BackendUnavailableError, CommandError } from './backend';
import { BadRequest, encodeBase64, encodeItem, parseJson, toCommand, toCommands } from './encoding';

// The Upstash REST routes, independent of node:http so they read as the protocol they are:
//   POST /            ["SET","k","v"]         → 200 {"result": ...} | 400 {"error": "ERR ..."}
//   POST /pipeline    [["SET","k","v"], ...]  → 200 [{"result": ...} | {"error": ...}, ...]
//   POST /multi-exec  [["SET","k","v"], ...]  → same shape, run as MULTI/EXEC
//   GET  / or /ping                           → 200 {"result": "PONG"} (health, runs PING)
//
// /multi-exec: a command refused while queueing (unknown, wrong arity) aborts the whole
// transaction as Redis does, answered 400 {"error": "EXECABORT Transaction discarded because
// of previous errors: <first reason>"}; nothing ran. Errors while executing (WRONGTYPE,
// not an integer) stay in their own entry with status 200, and the other commands take effect.

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
  const routes: Record<string, (body: unknown) => Promise<Answer>> = {
    '/': async (body) => {
      const result = await backend.exec(toCommand(body));
      return ok({ result: req.base64 ? encodeBase64(result) : result });
    },
    '/pipeline': async (body) => {
      const items = await backend.pipeline(toCommands(body));
      return ok(items.map((item) => encodeItem(item, req.base64)));
    },
    '/multi-exec': async (body) => {
      const items = await backend.multiExec(toCommands(body));
      return ok(items.map((item) => encodeItem(item, req.base64)));
    },
  };
  const handler = routes[req.path];
  if (req.method === 'GET' && (req.path === '/' || req.path === '/ping')) {
    const result = await backend.exec(['PING']);
    return ok({ result: req.base64 ? encodeBase64(result) : result });
  }
  if (!handler) {
    return { status: 404, body: { error: `ERR upstash-local: no route for ${req.path}` } };
  }
  if (req.method !== 'POST') {
    return { status: 405, body: { error: `ERR upstash-local: use POST for ${req.path}` } };
  }
  return handler(parseJson(req.body));
}

function ok(body: unknown): Answer {
  return { status: 200, body };
}
