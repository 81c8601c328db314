/// <reference types="node" />
import { createServer } from 'node:http';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { createApp } from '../../src/app';
import type { Services } from '../../src/services';
import { keepAliveLikeClients, listen, readBodyUpTo } from '../../tools/lib/http-server';

/**
 * The integration suite's traffic, checked against the served OpenAPI document (issue #13,
 * item 2). Every call a test makes to the worker goes through tests/support/worker.ts, which
 * posts the exchange (method, URL, headers, status, response body) here; this server, started
 * in Node by tests/global-setup.ts, checks it against the document the worker serves at
 * /_paywall/openapi.json (built here by the same code, src/app.ts) and, at teardown, fails the
 * run on any disagreement.
 *
 * Why ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1) and not Prism in proxy mode: the
 * worker under test listens on no port (tests call its fetch handler inside workerd), so a
 * proxy would need a second hop that replays recorded answers; and Prism's own validators are
 * ajv underneath. Schema validation cannot run inside workerd (ajv compiles with new Function,
 * which workerd forbids), hence this Node-side server.
 *
 * What counts as a disagreement (a response the document does not describe):
 * - an operation answering a status its `responses` do not list;
 * - a body whose media type the response does not list, a missing body where it lists one, a
 *   body where it lists none (HEAD and 204 excepted), or a JSON body its schema refuses;
 * - a required response header missing;
 * - a listed path answering a method it does not list with anything but a 405 error envelope
 *   and an `Allow` header (or a 404, where the path documents one: a page that hides), or an
 *   unlisted /_paywall path with anything but a 404 envelope (a page, to a browser), or a 500
 *   `bad_configuration` envelope (a refused configuration answers so before any routing);
 *   outside /_paywall, a method the document does not list goes to the site (not checked);
 * - a request the document refuses (no bearer key where it requires one, a required query or
 *   header parameter missing) answered with a 2xx: the service accepts what the document says
 *   it refuses. Such a request answered with a 4xx is what a test sends on purpose. An unlisted
 *   request content type is not one: the document lists what is accepted, not all that is
 *   refused (the Stripe webhook checks the signature over the raw bytes, whatever the type).
 * Request bodies are not read here (a test may stream one that never ends); the schema-driven
 * test, tests/integration/openapi-properties.test.ts, covers them from the other side.
 * Paths outside /_paywall (the site the worker proxies) are no API operations: counted apart.
 */

export interface Exchange {
  method: string;
  url: string;
  requestHeaders: [string, string][];
  status: number;
  responseHeaders: [string, string][];
  /** The response body as text; null where it was not read (site paths). */
  responseBody: string | null;
  test?: string;
}

export type Verdict =
  | { kind: 'site' | 'docs' }
  | { kind: 'operation' | 'unlisted'; operation: string; problems: string[] };

type Schema = Record<string, unknown>;
interface MediaType {
  schema?: Schema;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
  headers?: Record<string, { required?: boolean }>;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, MediaType>; required?: boolean };
  responses: Record<string, ResponseObject>;
  security?: Record<string, string[]>[];
}
export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
  security?: Record<string, string[]>[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const DOCS_PATHS = /^\/_paywall\/(?:openapi\.json|docs(?:\/.*)?)$/;

/** The document exactly as the worker serves it (same code, no services needed). */
export async function servedDocument(): Promise<OpenApiDoc> {
  const response = await createApp({} as Services).request(
    'https://paywall.test/_paywall/openapi.json',
  );
  if (response.status !== 200) throw new Error(`openapi.json answered ${response.status}`);
  return (await response.json()) as OpenApiDoc;
}

const pointerPart = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');
const mediaOf = (contentType: string | null) =>
  ((contentType ?? '').split(';')[0] ?? '').trim().toLowerCase().slice(0, 60);
const isJson = (media: string) => media === 'application/json' || media.endsWith('+json');

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 4)
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword}`)
    .join('; ');
}

export class ExchangeChecker {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly doc: OpenApiDoc) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    // ajv-formats is CommonJS: its default export arrives wrapped or not depending on the loader.
    const addFormats = ((addFormatsModule as { default?: unknown }).default ??
      addFormatsModule) as (ajv: Ajv2020) => void;
    addFormats(this.ajv);
    this.ajv.addSchema(doc as unknown as Schema, 'openapi.json');
  }

  /** The schema at a JSON pointer into the document, compiled once. */
  private validator(pointer: string): ValidateFunction {
    let fn = this.compiled.get(pointer);
    if (!fn) {
      fn = this.ajv.getSchema(`openapi.json#${pointer}`);
      if (!fn) throw new Error(`no schema at ${pointer}`);
      this.compiled.set(pointer, fn);
    }
    return fn;
  }

  private matchPath(pathname: string): string | undefined {
    if (this.doc.paths[pathname]) return pathname;
    for (const template of Object.keys(this.doc.paths)) {
      if (!template.includes('{')) continue;
      const re = new RegExp(
        `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`,
      );
      if (re.test(pathname)) return template;
    }
    return undefined;
  }

  check(ex: Exchange): Verdict {
    const url = new URL(ex.url);
    const { pathname } = url;
    if (DOCS_PATHS.test(pathname)) return { kind: 'docs' };
    const template = this.matchPath(pathname);
    if (!template && !pathname.startsWith('/_paywall/') && pathname !== '/_paywall') {
      return { kind: 'site' };
    }
    const responseHeaders = headerMap(ex.responseHeaders);
    const method = ex.method.toLowerCase();
    if (!template) {
      const operation = `${ex.method} ${pathname.slice(0, 60)} (unlisted)`;
      return { kind: 'unlisted', operation, problems: this.envelope(ex, 404, responseHeaders) };
    }
    const item = this.doc.paths[template] ?? {};
    const opMethod = item[method] ? method : method === 'head' && item.get ? 'get' : undefined;
    // Outside /_paywall only the listed operations are ours (the JWKS is a GET): any other
    // method goes on to the site, as every path outside /_paywall does.
    if (!opMethod && !pathname.startsWith('/_paywall/')) return { kind: 'site' };
    if (!opMethod) {
      const operation = `${ex.method} ${template} (not listed)`;
      // A path whose operations document a 404 may be hidden (the dev outbox outside
      // development answers every method as an unknown path does).
      const hidden = ex.status === 404 && METHODS.some((m) => item[m]?.responses['404']);
      const problems = this.envelope(ex, hidden ? 404 : 405, responseHeaders);
      const listed = METHODS.filter((m) => item[m]).map((m) => m.toUpperCase());
      const allow = (responseHeaders.get('allow') ?? '').split(/,\s*/);
      for (const m of listed) {
        if (ex.status === 405 && !allow.includes(m)) problems.push(`Allow lacks listed ${m}`);
      }
      return { kind: 'unlisted', operation, problems };
    }
    const op = item[opMethod] as Operation;
    const operation = `${op.operationId ?? opMethod} (${opMethod.toUpperCase()} ${template})`;
    const problems: string[] = [];
    const key = [String(ex.status), `${String(ex.status)[0]}XX`, 'default'].find(
      (k) => op.responses[k],
    );
    if (!key) {
      problems.push(
        `status ${ex.status} not documented (documented: ${Object.keys(op.responses).join(', ')})`,
      );
    } else {
      const pointer = `/paths/${pointerPart(template)}/${opMethod}/responses/${key}`;
      problems.push(
        ...this.response(ex, op.responses[key] as ResponseObject, pointer, responseHeaders),
      );
    }
    if (ex.status >= 200 && ex.status < 300) {
      for (const refused of this.requestRefusals(ex, url, op)) {
        problems.push(`answered ${ex.status} to a request the document refuses: ${refused}`);
      }
    }
    return { kind: 'operation', operation, problems };
  }

  /** An answer that must be the error envelope with `status`. */
  private envelope(ex: Exchange, status: number, headers: HeaderMap): string[] {
    // A deployment whose configuration is refused answers every path so, before routing.
    if (ex.status === 500 && /"code":"bad_configuration"/.test(ex.responseBody ?? '')) {
      return this.json(ex.responseBody ?? '', '/components/schemas/ErrorEnvelope');
    }
    if (ex.status !== status) return [`answered ${ex.status}, expected ${status}`];
    if (ex.method === 'HEAD') return [];
    const media = mediaOf(headers.get('content-type'));
    // A browser (Accept: text/html) is answered with the error page instead.
    const browser = /text\/html/i.test(headerMap(ex.requestHeaders).get('accept') ?? '');
    if (browser && media === 'text/html') return [];
    if (!isJson(media)) return [`${status} body is ${media || 'empty'}, not the JSON envelope`];
    return this.json(ex.responseBody ?? '', '/components/schemas/ErrorEnvelope');
  }

  private json(body: string, pointer: string): string[] {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return ['body is not JSON'];
    }
    const validate = this.validator(pointer);
    return validate(value) ? [] : [`body: ${describeErrors(validate.errors)}`];
  }

  private response(
    ex: Exchange,
    documented: ResponseObject,
    pointer: string,
    headers: HeaderMap,
  ): string[] {
    const problems: string[] = [];
    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      if (header.required && !headers.has(name)) problems.push(`header ${name} missing`);
    }
    if (ex.responseBody === null) return problems;
    const media = mediaOf(headers.get('content-type'));
    const hasBody = ex.responseBody.length > 0;
    const content = documented.content ?? {};
    if (Object.keys(content).length === 0) {
      if (hasBody && ex.method !== 'HEAD') {
        problems.push(`a ${media || 'untyped'} body where the document lists none`);
      }
      return problems;
    }
    if (ex.method === 'HEAD' || ex.status === 204) return problems;
    if (!content[media]) {
      problems.push(
        `body is ${media || 'untyped'}; documented: ${Object.keys(content).join(', ')}`,
      );
      return problems;
    }
    if (!hasBody) {
      problems.push(`empty body; documented: ${media}`);
      return problems;
    }
    if (isJson(media) && content[media]?.schema) {
      problems.push(
        ...this.json(ex.responseBody, `${pointer}/content/${pointerPart(media)}/schema`),
      );
    }
    return problems;
  }

  /** What the document says makes a request refused, checked without reading its body. */
  private requestRefusals(ex: Exchange, url: URL, op: Operation): string[] {
    const refusals: string[] = [];
    const headers = headerMap(ex.requestHeaders);
    const security = op.security ?? this.doc.security ?? [];
    const needsBearer =
      security.length > 0 && security.every((requirement) => Object.keys(requirement).length > 0);
    if (needsBearer && !/^Bearer \S/i.test(headers.get('authorization') ?? '')) {
      refusals.push('no bearer key');
    }
    for (const p of op.parameters ?? []) {
      if (!p.required) continue;
      const present = p.in === 'query' ? url.searchParams.has(p.name) : headers.has(p.name);
      if ((p.in === 'query' || p.in === 'header') && !present) {
        refusals.push(`required ${p.in} parameter ${p.name} missing`);
      }
    }
    return refusals;
  }
}

export interface OpenApiTally {
  checked: number;
  site: number;
  docs: number;
  unlisted: number;
  /** Every exchange posted, and those on API paths (all of which should be checked). */
  received: number;
  apiReceived: number;
  disagreements: Map<string, { count: number; test?: string }>;
}

/** The server the worker's tap posts to: POST /exchange, and POST /check (a dry run). */
export async function startOpenApiValidator() {
  const checker = new ExchangeChecker(await servedDocument());
  const tally: OpenApiTally = {
    checked: 0,
    site: 0,
    docs: 0,
    unlisted: 0,
    received: 0,
    apiReceived: 0,
    disagreements: new Map(),
  };
  const disagree = (key: string, test?: string) => {
    const seen = tally.disagreements.get(key);
    if (seen) seen.count += 1;
    else tally.disagreements.set(key, { count: 1, test });
  };
  /** One exchange the tap recorded: counted, checked, and its problems kept as disagreements. */
  const take = (ex: Exchange): Verdict => {
    tally.received += 1;
    try {
      if (/^\/(_paywall|\.well-known\/)/.test(new URL(ex.url).pathname)) tally.apiReceived += 1;
      const verdict = checker.check(ex);
      if (verdict.kind === 'site' || verdict.kind === 'docs') tally[verdict.kind] += 1;
      if (verdict.kind === 'operation' || verdict.kind === 'unlisted') {
        tally.checked += 1;
        if (verdict.kind === 'unlisted') tally.unlisted += 1;
        for (const problem of verdict.problems) {
          disagree(`${verdict.operation} ${ex.status}: ${problem}`, ex.test);
        }
      }
      return verdict;
    } catch (error) {
      // An exchange the validator could not check (unreadable, check() threw) is a
      // disagreement too: otherwise a broken validator would turn the whole check off silently.
      disagree(`validator error: ${String(error).slice(0, 200)}`, ex.test);
      throw error;
    }
  };
  // POST /exchanges: the tap's batch (an array), each one counted and checked; a batch that
  // cannot be read is a disagreement and a 400, which fails the test that sent it.
  // POST /check: one exchange, checked and answered but not counted (a dry run).
  const server = createServer(async (req, res) => {
    try {
      const body = await readBodyUpTo(req, 64 * 1024 * 1024, () => new Error('too large'));
      let answer: unknown;
      if (req.url === '/exchanges') {
        const batch = JSON.parse(body) as Exchange[];
        if (!Array.isArray(batch)) throw new Error('POST /exchanges takes an array');
        let failed = 0;
        for (const ex of batch) {
          try {
            take(ex);
          } catch {
            failed += 1;
          }
        }
        answer = { taken: batch.length, failed };
      } else {
        answer = checker.check(JSON.parse(body) as Exchange);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    } catch (error) {
      if (req.url === '/exchanges') {
        disagree(`validator error: ${String(error).slice(0, 200)}`);
      }
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
  });
  keepAliveLikeClients(server);
  const { url } = await listen(server, 0, '127.0.0.1');
  return {
    url,
    tally,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** At teardown: the summary line, and the run failed (exit code) on any disagreement. */
export function reportOpenApiTally(tally: OpenApiTally): void {
  const count = [...tally.disagreements.values()].reduce((n, d) => n + d.count, 0);
  process.stdout.write(
    `\nopenapi: ${tally.checked} exchanges checked of ${tally.received} received, ${count} disagreements` +
      ` (${tally.unlisted} of them on unlisted paths or methods; ${tally.site} site-proxy and` +
      ` ${tally.docs} docs requests not checked)\n`,
  );
  // Every exchange on an API path is checked; if the tap saw API traffic and none was checked,
  // the check itself is broken (a run of a single file that calls the worker still checks some).
  if (tally.apiReceived > 0 && tally.checked === 0) {
    process.stderr.write(
      `\nopenapi: ${tally.apiReceived} API exchanges reached the validator and none was checked\n`,
    );
    process.exitCode = 1;
  }
  if (count === 0) return;
  const lines = [...tally.disagreements].map(
    ([key, { count: n, test }]) => `  ${key} (x${n}${test ? `, first in ${test}` : ''})`,
  );
  process.stderr.write(
    `\nThe worker answered what its OpenAPI document does not say:\n${lines.join('\n')}\n\n`,
  );
  process.exitCode = 1;
}

/** The headers of an exchange, as sent. Not `new Headers`: it refuses values (non-Latin-1
 * bytes) that the hostile-header tests send on purpose, and those exchanges are checked too. */
export interface HeaderMap {
  get(name: string): string | null;
  has(name: string): boolean;
}
function headerMap(entries: [string, string][]): HeaderMap {
  const map = new Map<string, string>();
  for (const [name, value] of entries) {
    const key = name.toLowerCase();
    const seen = map.get(key);
    map.set(key, seen === undefined ? value : `${seen}, ${value}`);
  }
  return {
    get: (name) => map.get(name.toLowerCase()) ?? null,
    has: (name) => map.has(name.toLowerCase()),
  };
}
