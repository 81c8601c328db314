import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { CreateEmailResponseSuccess, ErrorResponse } from 'resend';
import { keepAliveLikeClients, listen, readBodyUpTo } from '../lib/http-server';

// resend-local: an offline stand-in for Resend's e-mail API, for development and tests. It
// answers the one call src/mail/resend.ts makes, POST /emails, as Resend does (and as the
// real `resend` SDK expects): `{ id }` on success, `{ statusCode, name, message }` on
// failure. Answer shapes are typed with the SDK's own types, so a shape the installed
// `resend` disagrees with fails `tsc`. Nothing is delivered: messages are recorded and read
// back through the test-control routes under /_local. Only Node built-ins at run time.

export interface ResendLocalOptions {
  /** 0 = ephemeral; default 12112. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Requests must send `Authorization: Bearer <this>`. Default 're_test_local'. */
  apiKey?: string;
  /** Clock in ms (default Date.now): `created_at` and the 24-hour idempotency window. */
  now?: () => number;
}

/** One accepted `POST /emails`, as it arrived. */
export interface RecordedEmail {
  id: string;
  /** The key it was sent with: each key is its own mailbox (see POST /_local/keys). */
  apiKey: string;
  createdAt: string;
  /** The JSON body exactly as sent. */
  body: Record<string, unknown>;
  /** Headers of interest, lower-case names; absent ones are null. */
  headers: {
    'content-type': string | null;
    'idempotency-key': string | null;
    'user-agent': string | null;
  };
}

export interface ResendLocal {
  url: string;
  port: number;
  apiKey: string;
  /** Every accepted message, oldest first, for every key. */
  messages(): RecordedEmail[];
  close(): Promise<void>;
}

/** Resend keeps idempotency keys for 24 hours. */
const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;
/** Resend's own limit is 40 MB with attachments; a code e-mail is a few KB. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_RECIPIENTS = 50;
const ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+\.[^\s@<>,;:"()[\]\\]+$/;

/** Resend's error shape. `name` is one of the SDK's error codes. */
class ResendError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorResponse['name'],
    message: string,
  ) {
    super(message);
  }
  body(): ErrorResponse {
    return { statusCode: this.status, name: this.code, message: this.message };
  }
}

interface Failure {
  remaining: number;
  status: number;
  name: ErrorResponse['name'];
  message: string;
}

interface Mailbox {
  emails: RecordedEmail[];
  idempotency: Map<string, { at: number; body: string; id: string }>;
  failures: Failure[];
}

export async function startResendLocal(opts: ResendLocalOptions = {}): Promise<ResendLocal> {
  const host = opts.host ?? '127.0.0.1';
  const apiKey = opts.apiKey ?? 're_test_local';
  const now = opts.now ?? Date.now;
  const mailboxes = new Map<string, Mailbox>();
  const addKey = (key: string) =>
    mailboxes.set(key, { emails: [], idempotency: new Map(), failures: [] });
  addKey(apiKey);
  const all: RecordedEmail[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://resend-local');
    const method = req.method ?? 'GET';
    // Read the whole request first, so an early error answer leaves the connection usable.
    const body = await readBody(req);
    const key = authenticate(req, mailboxes);
    const mailbox = mailboxes.get(key) as Mailbox;
    const route = routeOf(method, url.pathname);

    switch (route.name) {
      case 'send': {
        const failure = mailbox.failures[0];
        if (failure) {
          failure.remaining -= 1;
          if (failure.remaining <= 0) mailbox.failures.shift();
          throw new ResendError(failure.status, failure.name, failure.message);
        }
        const idempotencyKey = header(req, 'idempotency-key');
        if (idempotencyKey !== null && (idempotencyKey.length < 1 || idempotencyKey.length > 256)) {
          throw new ResendError(
            400,
            'invalid_idempotency_key',
            'Idempotency keys, if present, must have between 1 and 256 characters.',
          );
        }
        const input = validateEmail(parseJson(body));
        if (idempotencyKey !== null) {
          const seen = mailbox.idempotency.get(idempotencyKey);
          if (seen && now() - seen.at < IDEMPOTENCY_WINDOW_MS) {
            if (seen.body !== canonical(input)) {
              throw new ResendError(
                409,
                'invalid_idempotent_request',
                "This idempotency key has been used with this HTTP method and endpoint within the last 24 hours, but the request body was modified and doesn't match the original request.",
              );
            }
            const replay: CreateEmailResponseSuccess = { id: seen.id };
            return sendJson(res, 200, replay);
          }
        }
        const recorded: RecordedEmail = {
          id: randomUUID(),
          apiKey: key,
          createdAt: new Date(now()).toISOString(),
          body: input,
          headers: {
            'content-type': header(req, 'content-type'),
            'idempotency-key': idempotencyKey,
            'user-agent': header(req, 'user-agent'),
          },
        };
        mailbox.emails.push(recorded);
        all.push(recorded);
        if (idempotencyKey !== null) {
          mailbox.idempotency.set(idempotencyKey, {
            at: now(),
            body: canonical(input),
            id: recorded.id,
          });
        }
        const created: CreateEmailResponseSuccess = { id: recorded.id };
        return sendJson(res, 200, created);
      }
      case 'control-keys': {
        const created = `re_local_${randomBytes(12).toString('hex')}`;
        addKey(created);
        return sendJson(res, 200, { apiKey: created });
      }
      case 'control-fail': {
        const spec = parseJson(body);
        const status = Number(spec.status);
        if (!Number.isInteger(status) || status < 400 || status > 599) {
          throw new ResendError(422, 'validation_error', '`status` must be 400–599.');
        }
        mailbox.failures.push({
          remaining:
            Number.isInteger(spec.count) && (spec.count as number) > 0 ? (spec.count as number) : 1,
          status,
          name: (typeof spec.name === 'string'
            ? spec.name
            : 'application_error') as ErrorResponse['name'],
          message:
            typeof spec.message === 'string' ? spec.message : 'An unexpected error occurred.',
        });
        return sendJson(res, 200, { ok: true });
      }
      case 'control-emails':
        return sendJson(res, 200, { data: mailbox.emails });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return res.destroy();
      if (error instanceof ResendError) return sendJson(res, error.status, error.body());
      console.error('resend-local: unexpected error', error);
      sendJson(res, 500, {
        statusCode: 500,
        name: 'application_error',
        message: 'An unexpected error occurred.',
      } satisfies ErrorResponse);
    });
  });
  keepAliveLikeClients(server);
  const { url, port } = await listen(server, opts.port ?? 12112, host);
  return {
    url,
    port,
    apiKey,
    messages: () => [...all],
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

type Route = { name: 'send' | 'control-keys' | 'control-fail' | 'control-emails' };

function routeOf(method: string, path: string): Route {
  const allow = (methods: string[], route: Route): Route => {
    if (methods.includes(method)) return route;
    throw new ResendError(
      405,
      'method_not_allowed',
      'Method is not allowed for the requested path.',
    );
  };
  // Resend also has GET /emails and GET /emails/:id; the worker never reads a sent e-mail back.
  if (path === '/emails') return allow(['POST'], { name: 'send' });
  if (path === '/_local/keys') return allow(['POST'], { name: 'control-keys' });
  if (path === '/_local/fail-next') return allow(['POST'], { name: 'control-fail' });
  if (path === '/_local/emails') return allow(['GET'], { name: 'control-emails' });
  throw new ResendError(404, 'not_found', 'The requested endpoint does not exist.');
}

function authenticate(req: IncomingMessage, mailboxes: Map<string, Mailbox>): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header(req, 'authorization') ?? '');
  if (!match?.[1]) {
    throw new ResendError(401, 'missing_api_key', 'Missing API key in the authorization header.');
  }
  if (!mailboxes.has(match[1])) throw new ResendError(403, 'invalid_api_key', 'API key is invalid');
  return match[1];
}

const FORMAT_HINT =
  'The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.';

/** Resend's checks on a send, in its words. Returns the body as sent. */
function validateEmail(input: Record<string, unknown>): Record<string, unknown> {
  for (const field of ['from', 'to', 'subject'] as const) {
    if (input[field] === undefined || input[field] === null || input[field] === '') {
      throw new ResendError(422, 'missing_required_field', `Missing \`${field}\` field.`);
    }
  }
  if (typeof input.from !== 'string' || !isMailbox(input.from)) {
    throw new ResendError(422, 'validation_error', `Invalid \`from\` field. ${FORMAT_HINT}`);
  }
  for (const field of ['to', 'cc', 'bcc', 'reply_to'] as const) {
    if (input[field] === undefined) continue;
    const list = typeof input[field] === 'string' ? [input[field]] : input[field];
    if (!Array.isArray(list) || list.some((a) => typeof a !== 'string' || !isMailbox(a))) {
      throw new ResendError(422, 'validation_error', `Invalid \`${field}\` field. ${FORMAT_HINT}`);
    }
    if (field === 'to' && (list.length < 1 || list.length > MAX_RECIPIENTS)) {
      throw new ResendError(
        422,
        'validation_error',
        `Invalid \`to\` field. Between 1 and ${MAX_RECIPIENTS} recipients.`,
      );
    }
  }
  if (typeof input.subject !== 'string') {
    throw new ResendError(422, 'validation_error', 'Invalid `subject` field. Expected a string.');
  }
  for (const field of ['html', 'text'] as const) {
    if (input[field] !== undefined && typeof input[field] !== 'string') {
      throw new ResendError(
        422,
        'validation_error',
        `Invalid \`${field}\` field. Expected a string.`,
      );
    }
  }
  if (input.html === undefined && input.text === undefined && input.template === undefined) {
    throw new ResendError(422, 'missing_required_field', 'Missing `html` or `text` field.');
  }
  if (
    input.headers !== undefined &&
    (typeof input.headers !== 'object' ||
      input.headers === null ||
      Object.values(input.headers).some((v) => typeof v !== 'string'))
  ) {
    throw new ResendError(422, 'validation_error', 'Invalid `headers` field. Expected strings.');
  }
  return input;
}

/** `address` or `Name <address>`, the name optionally double-quoted. */
function isMailbox(value: string): boolean {
  const trimmed = value.trim();
  if (ADDRESS.test(trimmed)) return true;
  const match = /^(?:"[^"]*"|[^<>"]*)\s*<([^<>]+)>$/.exec(trimmed);
  return match?.[1] !== undefined && ADDRESS.test(match[1]);
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // answered below
  }
  throw new ResendError(400, 'validation_error', 'The request body must be a JSON object.');
}

/** Key order must not make two equal bodies differ. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return readBodyUpTo(
    req,
    MAX_BODY_BYTES,
    () => new ResendError(422, 'validation_error', 'The request body is too large.'),
  );
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
