import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** One bundle's size, bytes: minified, gzip -9, brotli q11 (the last for information). */
export interface BundleSize {
  raw: number;
  gzip: number;
  brotli: number;
  /** Minified bytes each input contributes (esbuild metafile `bytesInOutput`), largest first. */
  inputs: { path: string; bytes: number }[];
}

/**
 * Bundles `entry` the way a site's Worker is bundled (wrangler's esbuild settings for
 * workerd: neutral platform, module/main fields, workerd/worker/browser conditions),
 * minified, ES2022. Nothing is written to disk.
 */
export async function measureBundle(
  entry: string,
  cwd: string,
  external: string[] = [],
): Promise<BundleSize> {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: cwd,
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    external,
    outfile: 'bundle.js',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  if (!js) throw new Error(`esbuild produced no .js output for ${entry}`);
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  const inputs = Object.entries(output?.inputs ?? {})
    .map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput }))
    .filter((i) => i.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return {
    raw: js.contents.byteLength,
    gzip: gzipSync(js.contents, { level: 9 }).byteLength,
    brotli: brotliCompressSync(js.contents, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: js.contents.byteLength,
      },
    }).byteLength,
    inputs,
  };
}
