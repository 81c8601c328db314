/** What the local servers' command lines (upstash-local, stripe-local, demo-origin) share. */

/** `--port`: a port number, or `fallback` when not given. */
export function parsePort(value: string | undefined, fallback: number, usage = ''): number {
  const port = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a port number, got "${value}"${usage ? `\n${usage}` : ''}`);
  }
  return port;
}

/** Closes `server` once on Ctrl-C or SIGTERM, then exits (1 if closing failed). */
export function closeOnSignals(name: string, server: { close(): Promise<void> }): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`${name}: error while stopping on ${signal}:`, error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
