import type { Context } from 'hono';
import { z } from 'zod';
import { FORWARDED_FOR, FORWARDER_KEY } from '../contract/forwarding';
import { isSiteApiKey } from './api-key';
import type { AppEnv } from './context';

const ip = z.union([z.ipv4(), z.ipv6()]);

/**
 * Who is asking, for per-IP limits: the reader's address as forwarded by a site's edge
 * middleware when a valid site key vouches for it (src/contract/forwarding.ts), else
 * Cloudflare's `CF-Connecting-IP` (no client can forge that one).
 */
export async function readerIp(c: Context<AppEnv>): Promise<string> {
  const forwarded = c.req.header(FORWARDED_FOR);
  const key = c.req.header(FORWARDER_KEY);
  if (
    forwarded !== undefined &&
    key !== undefined &&
    ip.safeParse(forwarded).success &&
    (await isSiteApiKey(key, c.var.services.deployment.siteApiKeys))
  ) {
    return forwarded;
  }
  return c.req.header('cf-connecting-ip') ?? 'unknown';
}
