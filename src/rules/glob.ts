/**
 * Compiles a path glob to an anchored RegExp once, at configuration time.
 * `**` matches across segments, `*` within one; everything else is literal, so a
 * pattern can never smuggle in regex syntax (and no pattern can backtrack badly:
 * the generated expressions are simple `[^/]*` and `.*` runs).
 */
export function compilePathGlob(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        source += '.*';
        i++;
      } else {
        source += '[^/]*';
      }
    } else {
      source += ch.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}
