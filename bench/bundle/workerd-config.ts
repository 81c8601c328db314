import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from '../support/wrangler';

/**
 * A workerd config (Cap'n Proto text) that serves one bundled worker and nothing else: no
 * wrangler, no Miniflare services beside it, so what workerd spends before it listens is
 * its own start plus this worker's parse and global scope. The bundle is embedded from
 * `bundleFile` (a name next to the config file); bindings are plain text, or JSON where
 * the worker reads an object.
 */
export function workerdConfig(opts: {
  bundleFile: string;
  text: Record<string, string>;
  json: Record<string, unknown>;
}): string {
  const str = (value: string) => JSON.stringify(value); // ASCII values: capnp reads JSON's escapes
  const bindings = [
    ...Object.entries(opts.text).map(
      ([name, value]) => `(name = ${str(name)}, text = ${str(value)})`,
    ),
    ...Object.entries(opts.json).map(
      ([name, value]) => `(name = ${str(name)}, json = ${str(JSON.stringify(value))})`,
    ),
  ];
  return [
    'using Workerd = import "/workerd/workerd.capnp";',
    'const config :Workerd.Config = (',
    '  services = [ (name = "main", worker = .worker) ],',
    '  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],',
    ');',
    'const worker :Workerd.Worker = (',
    `  modules = [ (name = "worker.js", esModule = embed ${str(opts.bundleFile)}) ],`,
    `  compatibilityDate = ${str(deployedCompatibilityDate())},`,
    `  bindings = [ ${bindings.join(', ')} ],`,
    ');',
    '',
  ].join('\n');
}

/** wrangler.toml's compatibility date: the deployed worker runs with it. */
function deployedCompatibilityDate(): string {
  const toml = readFileSync(resolve(ROOT, 'wrangler.toml'), 'utf8');
  if (/^\s*compatibility_flags\s*=/m.test(toml)) {
    // Not needed today; a flag changes the runtime, so the bench must not silently drop one.
    throw new Error('wrangler.toml has compatibility_flags: pass them to workerdConfig too');
  }
  const date = /^\s*compatibility_date\s*=\s*"(\d{4}-\d{2}-\d{2})"/m.exec(toml)?.[1];
  if (!date) throw new Error('no compatibility_date in wrangler.toml');
  return date;
}
