import { readFile } from 'node:fs/promises';
import { constants, gzipSync } from 'node:zlib';
import { z } from 'zod';

/**
 * A bundle's size in bytes. `gzip` is zlib at its default level, exactly as wrangler computes
 * the "gzip:" figure it prints on deploy (and Cloudflare's size limits are counted in
 * compressed bytes); `gzip9` (level 9) is shown for information.
 */
export interface BundleSize {
  raw: number;
  gzip: number;
  gzip9: number;
}

export async function bundleSize(path: string): Promise<BundleSize> {
  const bytes = await readFile(path);
  return {
    raw: bytes.byteLength,
    gzip: gzipSync(bytes).byteLength,
    gzip9: gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).byteLength,
  };
}

/** The part of esbuild's metafile read here. */
const Metafile = z.object({
  outputs: z.record(
    z.string(),
    z.object({
      entryPoint: z.string().optional(),
      inputs: z.record(z.string(), z.object({ bytesInOutput: z.number() })),
    }),
  ),
});

/** Which package an input belongs to: `src/<folder>` for ours, node_modules by package name. */
export function owner(path: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
  if (pkg) return pkg;
  const ours = /^src\/([^/]+)/.exec(path)?.[1];
  if (ours) return ours.endsWith('.ts') ? 'src/*.ts' : `src/${ours}/`;
  return path;
}

/** Output bytes by package (before compression), largest first. */
export async function bytesByPackage(metafile: string): Promise<{ name: string; bytes: number }[]> {
  const meta = Metafile.parse(JSON.parse(await readFile(metafile, 'utf8')));
  const output = Object.values(meta.outputs).find((o) => o.entryPoint !== undefined);
  const totals = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    totals.set(owner(path), (totals.get(owner(path)) ?? 0) + bytesInOutput);
  }
  return [...totals.entries()]
    .map(([name, bytes]) => ({ name, bytes }))
    .filter((p) => p.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}
