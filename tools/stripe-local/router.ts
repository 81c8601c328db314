// A small method + path router: patterns like `/v1/subscriptions/:id`, matched segment by
// segment. Enough for a fixed route table; no regexes, no wildcards.

export interface Match<H> {
  handler: H;
  params: Record<string, string>;
}

export class Router<H> {
  private readonly routes: { method: string; segments: string[]; handler: H }[] = [];

  add(method: string, pattern: string, handler: H): this {
    this.routes.push({ method, segments: split(pattern), handler });
    return this;
  }

  /** The handler, `'method_not_allowed'` when only the method is wrong, or null. */
  match(method: string, path: string): Match<H> | 'method_not_allowed' | null {
    const segments = split(path);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method) return { handler: route.handler, params };
      pathMatched = true;
    }
    return pathMatched ? 'method_not_allowed' : null;
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const a = actual[i] as string;
    if (p.startsWith(':')) {
      try {
        params[p.slice(1)] = decodeURIComponent(a);
      } catch {
        return null;
      }
    } else if (p !== a) return null;
  }
  return params;
}
