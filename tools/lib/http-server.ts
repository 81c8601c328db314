import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the local servers (upstash-local, stripe-local, resend-local, demo-origin) share. Clients (undici
 * in Node, workerd) keep connections open between requests: keep them longer than they do,
 * so a reused socket is never closed under a request in flight. Malformed HTTP is answered
 * with a 400 if the socket still can, never thrown.
 */
export function keepAliveLikeClients(server: Server): void {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
}

/** Listens on `host:port` (0: any free port); the URL it answers on, IPv6 hosts bracketed. */
export function listen(
  server: Server,
  port: number,
  host: string,
): Promise<{ url: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const bound = (server.address() as AddressInfo).port;
      resolve({ url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`, port: bound });
    });
  });
}

/**
 * The request body as UTF-8 text, read up to `maxBytes`: past that, `tooLarge()` is thrown
 * (each stand-in answers it in its own API's error shape) and the rest is not buffered.
 */
export async function readBodyUpTo(
  req: IncomingMessage,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
