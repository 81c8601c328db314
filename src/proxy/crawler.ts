import { CRAWLER_RANGES } from './crawler-ranges';
import { type Cidr, inCidr, parseCidr, parseIp } from './ip';

/**
 * A search crawler is verified by where it comes from, never by what it says: its IP is in
 * a search engine's published ranges, or Cloudflare marks it a verified bot. A User-Agent
 * or Referer alone grants nothing (anyone can send "Googlebot").
 */
const RANGES: Cidr[] = Object.values(CRAWLER_RANGES)
  .flat()
  .map(parseCidr)
  .filter((c): c is Cidr => c !== null);

export function isCrawlerIp(ip: string): boolean {
  const parsed = parseIp(ip.trim());
  return parsed !== null && RANGES.some((range) => inCidr(parsed, range));
}

interface CfBotSignal {
  verifiedBotCategory?: string;
}

/** For requests reaching the worker directly (the proxy). */
export function isVerifiedCrawlerRequest(request: Request): boolean {
  const cf = (request as { cf?: CfBotSignal }).cf;
  // Only search engines: other verified bots (monitors, feed readers) are metered like anyone.
  if (cf?.verifiedBotCategory === 'Search Engine Crawler') return true;
  const ip = request.headers.get('cf-connecting-ip');
  return ip !== null && isCrawlerIp(ip);
}
