/**
 * The workerd log lines a passing run is expected to print and cannot avoid, kept off the
 * terminal so that what remains (a failure, a real uncaught exception) stands out.
 *
 * Why they cannot be avoided: workerd logs, at info level, every `fetch()` that fails at the
 * network (a refused connect, a reset, a peer closing early) as an "uncaught exception",
 * even when the JavaScript awaiting that fetch catches the error. A worker doing nothing but
 * `try { await fetch(closedPort) } catch {}` prints the same three entries (the kj exception,
 * "Uncaught (in promise) … Network connection lost", and its jsg form). The fault tests point
 * the worker at a closed port and at a server that drops connections on purpose, so each of
 * them prints these. @cloudflare/vitest-pool-workers runs workerd verbose and writes its
 * structured logs straight to this process's stdout/stderr (not through `console`, so
 * vitest's `onConsoleLog` never sees them), and its pool options cannot change that.
 *
 * The same pool writes "WebSocket peer disconnected" for its own runner socket when a test
 * file ends; later pool versions ignore it themselves (cloudflare/workers-sdk#13833). And
 * miniflare's send_email binding logs its refusal of a recipient as an uncaught exception in
 * its own worker, although the refusal reaches our mailer, which handles it (the restricted
 * binding's test provokes it on purpose).
 *
 * The filter is narrow: one write is one workerd log entry (its `stack:` line included), and
 * an entry is dropped only when it is exactly one of the shapes below. Anything else,
 * including any other "uncaught exception", is printed. A real unhandled rejection in a
 * test still fails it: the pool reports those to vitest itself.
 *
 * workerd also warns when a request body with a non-text Content-Type is read as text; the
 * fuzz and hostile-header tests send such bodies on purpose (the worker refuses them).
 *
 * `PAYWALL_TEST_WORKERD_LOGS=all` shows everything.
 */
const STACK = String.raw`(?:\nstack:[^\n]*)?\n?$`;
const EXPECTED: readonly RegExp[] = [
  // The kj exception behind a network failure of fetch().
  new RegExp(
    String.raw`^exception = kj/async-io(?:-unix)?\.c\+\+:\d+: disconnected: (?:connect\(\): Connection refused|::read\(fd, buffer, maxBytes\): Connection reset by peer|stream disconnected prematurely)${STACK}`,
  ),
  // The same failure as workerd reports it to the isolate: caught by our code all the same.
  new RegExp(
    String.raw`^uncaught exception; source = Uncaught \(in promise\); stack = Error: Network connection lost\.${STACK}`,
  ),
  new RegExp(
    String.raw`^uncaught exception; exception = workerd/jsg/\S+: disconnected: jsg\.Error: Network connection lost\.${STACK}`,
  ),
  // An origin that resets mid-page (tests/integration/faults-origin.test.ts does on purpose):
  // the page the worker streams breaks off where the origin's body did.
  new RegExp(
    String.raw`^exception = kj/compat/http\.c\+\+:\d+: disconnected: premature EOF in HTTP entity body; did not reach Content-Length; expectedLength = \d+; alreadyRead = \d+${STACK}`,
  ),
  // An origin that goes silent mid-page: the worker's idle limit (src/routes/proxy.ts
  // withIdleLimit) errors the body it streams, and workerd reports the broken response pipe.
  new RegExp(
    String.raw`^uncaught exception; source = Uncaught \(in promise\); stack = Error: origin_stalled${STACK}`,
  ),
  // The pool's runner socket closing at the end of a test file.
  new RegExp(
    String.raw`^exception = workerd/api/web-socket\.c\+\+:\d+: disconnected: WebSocket peer disconnected${STACK}`,
  ),
  // Miniflare's local send_email binding refusing a message (a recipient outside
  // allowed_destination_addresses): logged in the binding's own worker, every frame of it,
  // while our mailer receives the error and handles it.
  // workerd's advice when a request body with a non-text Content-Type is read as text: the
  // fuzz and hostile-header tests send such bodies on purpose, and the worker refuses them.
  new RegExp(
    String.raw`^console warning; message = Called \.text\(\) on an HTTP body which does not appear to be text\. The body's Content-Type is "[^"\n]*"\. The result will probably be corrupted\. Consider checking the Content-Type header before interpreting entities as text\.${STACK}`,
  ),
  /^uncaught exception; source = Uncaught \(in promise\); stack = Error: [^\n]*(?:\n {4}at SendEmailBinding\.\w+ \(file:\/\/\/\S*\/node_modules\/miniflare\/dist\/src\/workers\/email\/send_email\.worker\.js:\d+:\d+\))+\n?$/,
];

export function isExpectedWorkerdLog(entry: string): boolean {
  return EXPECTED.some((pattern) => pattern.test(entry));
}

type Write = typeof process.stdout.write;

/**
 * Drops the expected entries from this process's stdout and stderr until the returned
 * function is called. Call it where the pool runs: vitest's main process (a globalSetup).
 */
export function hideExpectedWorkerdLogs(): () => void {
  if (process.env.PAYWALL_TEST_WORKERD_LOGS === 'all') return () => {};
  const restores = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write;
    const filtered = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
      if (typeof chunk === 'string' && isExpectedWorkerdLog(chunk)) {
        const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        done?.();
        return true;
      }
      return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as Write;
    stream.write = filtered;
    return () => {
      if (stream.write === filtered) stream.write = original;
    };
  });
  return () => {
    for (const restore of restores) restore();
  };
}
