import type { CpuProfile, ModuleMap } from './analyse';

/**
 * Each sample charged to one concern of the decision, by what is on its stack: the first
 * rule (in this order) that matches any frame wins, so a SHA-256 inside the API-key check
 * counts as the API key, not as the middleware chain around it.
 */
const RULES: { concern: string; match: (fn: string, mod: string) => boolean }[] = [
  {
    // The key check's own work: not its middleware frame, which is below everything after it.
    concern: 'site API key (SHA-256 per request)',
    match: (f, m) =>
      m === 'src/http/api-key.ts' && /^(sha256\d*|isSiteApiKey|constantTimeEqual)$/.test(f),
  },
  { concern: 'article hash (SHA-256)', match: (f) => f === 'articleHash' },
  { concern: 'reader id (HMAC verify / sign)', match: (_f, m) => m.startsWith('src/reader/') },
  {
    concern: 'body validation (zod, zod-openapi, validator)',
    match: (_f, m) => m === 'zod' || m.startsWith('@hono/') || m === 'hono validator',
  },
  {
    concern: 'Redis call (@upstash/redis, deadline, script)',
    match: (_f, m) => m === '@upstash/redis' || m.startsWith('src/redis/'),
  },
  { concern: 'meter (carried state, reply, period)', match: (_f, m) => m.startsWith('src/meter/') },
  {
    concern: 'decision and response body',
    match: (_f, m) =>
      m === 'src/routes/access.ts' ||
      m.startsWith('src/access/') ||
      m.startsWith('src/rules/') ||
      m.startsWith('src/entitlements/'),
  },
  { concern: 'hono (routing, context, middleware chain)', match: (_f, m) => m === 'hono' },
  {
    concern: 'entry (index, app, floors)',
    match: (_f, m) => m.startsWith('src/') || m.startsWith('bench/'),
  },
];

export function byConcern(profile: CpuProfile, modules: ModuleMap): Map<string, number> {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const cache = new Map<number, string>();
  const concernOf = (id: number): string => {
    const known = cache.get(id);
    if (known) return known;
    const frames: { fn: string; mod: string }[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = nodes.get(at)?.callFrame;
      if (!f) continue;
      let mod = f.url.endsWith('worker.js') ? modules.lookup(f.lineNumber) : '(native)';
      if (mod === 'hono' && /validator/.test(f.functionName)) mod = 'hono validator';
      frames.push({ fn: f.functionName, mod });
    }
    const self = nodes.get(id)?.callFrame.functionName ?? '';
    let concern = self.startsWith('(')
      ? `${self} (V8/workerd)`
      : 'other native (workerd APIs: fetch, Response, URL…)';
    for (const rule of RULES) {
      if (frames.some((fr) => rule.match(fr.fn, fr.mod))) {
        concern = rule.concern;
        break;
      }
    }
    cache.set(id, concern);
    return concern;
  };
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const fn = nodes.get(id)?.callFrame.functionName;
    if (fn === '(idle)') return;
    const c = concernOf(id);
    out.set(c, (out.get(c) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return out;
}
