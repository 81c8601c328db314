import { execFile } from 'node:child_process';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startChild } from './child';
import type { Cleanup } from './cleanup';
import { freePort, waitForHttp } from './net';

export const ROOT = resolve(import.meta.dirname, '../..');
const WRANGLER = resolve(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const CONFIG = resolve(ROOT, 'wrangler.toml');
const BASE_ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };

/**
 * wrangler 4.86 has no CLI flag to turn its inspector proxy off, but it skips the proxy
 * when it believes it runs in a VS Code debug terminal. Node itself ignores this variable
 * (only VS Code's bootloader, loaded through NODE_OPTIONS, reads it). See the caller for
 * why the bench wants the inspector off.
 */
const INSPECTOR_OFF = '{"bench":"wrangler inspector proxy off"}';

/** A private temp dir for one bench run, removed by `cleanup`. */
export async function benchTempDir(cleanup: Cleanup): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'edge-paywall-bench-'));
  cleanup.add('temp dir', () => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Bundles `entry` once, exactly as wrangler would for a deploy (`deploy --dry-run`).
 * `wrangler dev` then runs that file with `--no-bundle`, so it has nothing to watch: other
 * engineers editing src/ during a run would otherwise make wrangler rebuild and restart the
 * worker mid-measurement. The bench measures one snapshot of the code, taken at its start.
 */
export async function bundleWorker(entry: string, outDir: string): Promise<string> {
  const args = [WRANGLER, 'deploy', '--dry-run', '--outdir', outDir, '--config', CONFIG, entry];
  try {
    await promisify(execFile)(process.execPath, args, { cwd: ROOT, env: BASE_ENV });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`bundling ${entry} failed:\n${stdout}\n${stderr}`);
  }
  // wrangler names the bundle after the entry: bench/access/worker.ts → worker.js
  const bundle = join(outDir, basename(entry).replace(/\.[cm]?[jt]sx?$/, '.js'));
  await access(bundle).catch(() => {
    throw new Error(`bundling ${entry} produced no ${bundle}`);
  });
  return bundle;
}

/**
 * Writes the worker's vars and secrets to an env file for `wrangler dev --env-file`. Given
 * an env file, wrangler reads no `.dev.vars`, so a developer's local settings cannot leak
 * into the bench; values from the file override wrangler.toml's [vars].
 */
export async function writeEnvFile(path: string, vars: Record<string, string>): Promise<void> {
  const lines = Object.entries(vars).map(([key, value]) => {
    if (/['\n\r]/.test(value))
      throw new Error(`${key}: a quote or newline cannot go in an env file`);
    return `${key}='${value}'`; // single quotes: dotenv takes the value literally
  });
  await writeFile(path, `${lines.join('\n')}\n`, { mode: 0o600 });
}

/**
 * `wrangler dev` with wrangler.toml's settings and vars, `script` as the entry (the
 * positional argument overrides `main`), and `envFile` on top. Ports are ephemeral; 8787
 * stays free for `npm start`. Request logging is off (`--log-level warn`) because printing
 * a line per request would cost CPU the worker needs on a 2-core machine.
 */
export async function startWranglerDev(
  cleanup: Cleanup,
  opts: { script: string; envFile: string; readyPath: string; inspector: boolean },
): Promise<{ url: string; port: number; pid: number }> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const args = [
    WRANGLER,
    'dev',
    opts.script,
    '--no-bundle',
    '--config',
    CONFIG,
    '--env-file',
    opts.envFile,
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspectorPort),
    '--show-interactive-dev-session=false',
    '--log-level',
    'warn',
  ];
  const child = startChild('wrangler dev', process.execPath, args, {
    cwd: ROOT,
    env: opts.inspector ? BASE_ENV : { ...BASE_ENV, VSCODE_INSPECTOR_OPTIONS: INSPECTOR_OFF },
  });
  cleanup.add('wrangler dev', () => child.stop(8_000));

  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}${opts.readyPath}`, {
    timeoutMs: 90_000,
    describe: child.recentOutput,
    aborted: child.exited,
  });
  return { url, port, pid: child.proc.pid ?? 0 };
}
