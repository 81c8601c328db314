import { createPaywallClient, isPaywallPath, withDecision } from 'edge-paywall/client';

/**
 * What the client bench bundles: a site's own Worker in front of its pages, written the way
 * the README tells a site to, so tree-shaking keeps exactly what a real site ships. It is
 * type-checked with the rest of the repo, so a change to the client's API breaks it loudly
 * rather than shrinking the measured bundle quietly.
 */
interface SiteEnv {
  PAYWALL_URL: string;
  PAYWALL_API_KEY: string;
}

let client: ReturnType<typeof createPaywallClient> | undefined;

export default {
  async fetch(request: Request, env: SiteEnv): Promise<Response> {
    client ??= createPaywallClient({ baseUrl: env.PAYWALL_URL, apiKey: env.PAYWALL_API_KEY });
    if (isPaywallPath(request.url)) return client.forward(request);
    const url = new URL(request.url);
    const decision = await client.decide(request, { id: url.pathname.slice(1), url: url.href });
    return withDecision(await fetch(request), decision);
  },
};
