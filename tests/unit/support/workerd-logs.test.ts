import { describe, expect, it } from 'vitest';
import { isExpectedWorkerdLog } from '../../support/workerd-logs';

// The filter tests/global-setup.ts puts on the workerd suite's output: it drops exactly the
// entries workerd prints for a fetch the worker caught, and nothing else. Entries as the
// pool writes them (one write each, the stack on a second line).

const BINDING = 'file:///x/node_modules/miniflare/dist/src/workers/email/send_email.worker.js';
const REFUSED = `uncaught exception; source = Uncaught (in promise); stack = Error: email to a@example.com not allowed
    at SendEmailBinding.checkDestinationAllowed (${BINDING}:3196:13)
    at SendEmailBinding.send (${BINDING}:3260:12)
`;

const STACK =
  '\nstack: /x/node_modules/@cloudflare/workerd-linux-64/bin/workerd@52008e2 /x/workerd@5200ac5\n';

describe('isExpectedWorkerdLog', () => {
  it.each([
    `exception = kj/async-io-unix.c++:1538: disconnected: connect(): Connection refused${STACK}`,
    `exception = kj/async-io-unix.c++:568: disconnected: ::read(fd, buffer, maxBytes): Connection reset by peer${STACK}`,
    `exception = kj/async-io.c++:60: disconnected: stream disconnected prematurely${STACK}`,
    'uncaught exception; source = Uncaught (in promise); stack = Error: Network connection lost.\n',
    `uncaught exception; exception = workerd/jsg/_virtual_includes/iterator/workerd/jsg/value.h:1480: disconnected: jsg.Error: Network connection lost.${STACK}`,
    `exception = workerd/api/web-socket.c++:821: disconnected: WebSocket peer disconnected${STACK}`,
    'exception = workerd/api/web-socket.c++:821: disconnected: WebSocket peer disconnected',
    REFUSED,
    `exception = kj/compat/http.c++:2064: disconnected: premature EOF in HTTP entity body; did not reach Content-Length; expectedLength = 9509; alreadyRead = 0${STACK}`,
    `uncaught exception; source = Uncaught (in promise); stack = Error: origin_stalled${STACK}`,
    `console warning; message = Called .text() on an HTTP body which does not appear to be text. The body's Content-Type is "application/octet-stream". The result will probably be corrupted. Consider checking the Content-Type header before interpreting entities as text.${STACK}`,
  ])('drops %j', (entry) => {
    expect(isExpectedWorkerdLog(entry)).toBe(true);
  });

  it.each([
    // Any other console warning is printed.
    'console warning; message = Called .text() on something else\n',
    // Any other uncaught exception is printed, whatever it says.
    'uncaught exception; source = Uncaught (in promise); stack = TypeError: x is not a function\n    at f (index.js:1:1)\n',
    'uncaught exception; source = Uncaught; stack = Error: Network connection lost.\n',
    `uncaught exception; exception = workerd/jsg/value.h:1480: jsg.Error: Redis said no${STACK}`,
    `exception = kj/async-io-unix.c++:1538: disconnected: connect(): No route to host${STACK}`,
    `exception = kj/async-io-unix.c++:1538: failed: something else${STACK}`,
    // The expected text inside another entry, or with something after it, is printed too.
    `stderr | a.test.ts > uncaught exception; source = Uncaught (in promise); stack = Error: Network connection lost.\n`,
    'uncaught exception; source = Uncaught (in promise); stack = Error: Network connection lost.\nmore\n',
    'A header value for "cookie" contains non-ASCII characters',
    // The binding's refusal only when every frame is the binding's own.
    `${REFUSED}    at sendCode (file:///x/src/mail/cloudflare.ts:40:11)\n`,
    REFUSED.replace('SendEmailBinding.send', 'OurCode.send'),
    'uncaught exception; source = Uncaught (in promise); stack = Error: origin_stalled_by_us\n',
    `exception = kj/compat/http.c++:2064: disconnected: premature EOF in HTTP chunked body${STACK}`,
    '',
  ])('prints %j', (entry) => {
    expect(isExpectedWorkerdLog(entry)).toBe(false);
  });
});
