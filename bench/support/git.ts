import { execFileSync } from 'node:child_process';
import { ROOT } from './wrangler';

/** Which code was measured: HEAD, and whether src/ had uncommitted changes. */
export function codeSnapshot(): { commit: string; srcDirty: boolean } {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    return {
      commit: git('rev-parse', '--short', 'HEAD').trim(),
      srcDirty: git('status', '--porcelain', '--', 'src').trim() !== '',
    };
  } catch {
    return { commit: 'unknown', srcDirty: false };
  }
}
