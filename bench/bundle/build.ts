import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/wrangler';

const WRANGLER = resolve(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const CONFIG = resolve(ROOT, 'wrangler.toml');

/** How a build is minified: as wrangler.toml says (what `wrangler deploy` uploads), or forced. */
export type Minify = 'as-configured' | 'on' | 'off';

export interface BuiltWorker {
  /** The bundled worker, one ES module file with no imports. */
  path: string;
  /** esbuild's metafile: bytes each input contributes to the output. */
  metafile: string;
}

/**
 * Bundles `entry` exactly as a deploy would (`wrangler deploy --dry-run`: wrangler.toml's
 * settings, no network, no account), into `outDir`. `minify` 'on' and 'off' pass
 * `--minify` / `--no-minify`, which override wrangler.toml's `minify` either way.
 */
export async function buildWorker(
  entry: string,
  outDir: string,
  minify: Minify,
): Promise<BuiltWorker> {
  const metafile = join(outDir, 'meta.json');
  const flag = { 'as-configured': [], on: ['--minify'], off: ['--no-minify'] }[minify];
  const args = [
    WRANGLER,
    'deploy',
    '--dry-run',
    '--config',
    CONFIG,
    '--outdir',
    outDir,
    '--metafile',
    metafile,
    ...flag,
    entry,
  ];
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };
  try {
    await promisify(execFile)(process.execPath, args, { cwd: ROOT, env });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`bundling ${entry} (${minify}) failed:\n${stdout}\n${stderr}`);
  }
  // wrangler names the bundle after the entry: src/index.ts → index.js
  const path = join(outDir, basename(entry).replace(/\.[cm]?[jt]sx?$/, '.js'));
  await readFile(path).catch(() => {
    throw new Error(`bundling ${entry} produced no ${path}`);
  });
  return { path, metafile };
}
