/**
 * Self time of a V8 CPU profile (Profiler.stop's `profile`), grouped by the module each
 * function comes from. The bundle is built without minifying, so esbuild marks where each
 * input begins with a `// path/to/file.js` comment line; a frame's line number says which.
 */
export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ModuleMap {
  lookup(line: number): string;
}

/** Module boundaries from esbuild's `// file` comments (0-based lines, as V8 reports them). */
export function moduleMap(bundleText: string): ModuleMap {
  const starts: { line: number; module: string }[] = [];
  bundleText.split('\n').forEach((text, line) => {
    const m = /^\/\/ ((?:node_modules|src|bench|\.\.\/)\S*)$/.exec(text);
    if (m?.[1]) starts.push({ line, module: groupOf(m[1]) });
  });
  return {
    lookup(line) {
      let lo = 0;
      let hi = starts.length - 1;
      let found = 'bundle (glue)';
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const s = starts[mid];
        if (!s) break;
        if (s.line <= line) {
          found = s.module;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return found;
    },
  };
}

/** node_modules/@hono/zod-openapi/dist/x.js → @hono/zod-openapi; src/http/x.ts → src/http/x.ts */
function groupOf(path: string): string {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (nm?.[1]) return nm[1];
  return path;
}

export interface SelfTime {
  /** µs of self time, by key */
  byModule: Map<string, number>;
  byFunction: Map<string, number>;
  /** Each sample charged to the innermost frame of our own code (src/*) on its stack. */
  byOwnCaller: Map<string, number>;
  totalUs: number;
  idleUs: number;
}

export function selfTime(profile: CpuProfile, modules: ModuleMap, bundleUrl: string): SelfTime {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const perNode = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    perNode.set(id, (perNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const byOwnCaller = new Map<string, number>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inBundle = (url: string) => url === bundleUrl || url.endsWith('worker.js');
  const ownCaller = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = nodes.get(at)?.callFrame;
      if (!f || !inBundle(f.url)) continue;
      const mod = modules.lookup(f.lineNumber);
      if (mod.startsWith('src/'))
        return `${f.functionName || '(anonymous)'} [${mod}:${f.lineNumber + 1}]`;
    }
    return '(no src/ frame on the stack)';
  };
  let totalUs = 0;
  let idleUs = 0;
  const add = (map: Map<string, number>, key: string, us: number) =>
    map.set(key, (map.get(key) ?? 0) + us);
  for (const [id, us] of perNode) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame) continue;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    totalUs += us;
    const mod =
      frame.url === bundleUrl || frame.url.endsWith('worker.js')
        ? modules.lookup(frame.lineNumber)
        : frame.url === ''
          ? `(native) ${frame.functionName}`
          : frame.url;
    add(byModule, mod, us);
    add(byFunction, `${frame.functionName || '(anonymous)'} [${mod}:${frame.lineNumber + 1}]`, us);
    add(byOwnCaller, ownCaller(id), us);
  }
  return { byModule, byFunction, byOwnCaller, totalUs, idleUs };
}

/** The biggest entries, as `share%  µs/request  key`. */
export function table(map: Map<string, number>, totalUs: number, requests: number, top: number) {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(
      ([key, us]) =>
        `${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${(us / requests).toFixed(1).padStart(7)} µs  ${key}`,
    );
}
