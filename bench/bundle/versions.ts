import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ROOT } from '../support/wrangler';

const Pkg = z.object({ version: z.string() });
const versionOf = (pkg: string) =>
  Pkg.parse(JSON.parse(readFileSync(resolve(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')))
    .version;

/** The pinned toolchain that built and ran what was measured. */
export function toolVersions(): { wrangler: string; workerd: string } {
  return { wrangler: versionOf('wrangler'), workerd: versionOf('workerd') };
}
