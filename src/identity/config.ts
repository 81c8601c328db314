import { z } from 'zod';

/**
 * The `accounts` section of PAYWALL_CONFIG: what an account (an e-mail address proven with a
 * code) gives a reader, and how hard anyone may knock. `{}` is valid: sign-in for supporters
 * on, registration wall off.
 */
export const accountsConfigSchema = z
  .object({
    /** The site's name in the code e-mail. Default: the host the reader asked for the code on. */
    siteName: z.string().trim().min(1).max(80).optional(),
    /** How long a device stays signed in (the account cookie's life). */
    sessionDays: z.number().int().min(1).max(400).default(90),
    registration: z
      .object({
        /**
         * Off by default. On: once the anonymous meter runs out, the wall also offers "Register
         * for free to read N more articles", and a registered reader is metered as the account
         * (the same count on every device) with `meter.limit + extraArticles`.
         */
        enabled: z.boolean().default(false),
        extraArticles: z.number().int().min(1).max(1_000).default(2),
      })
      .strict()
      .prefault({}),
    /**
     * Sliding windows of `windowSeconds` (and one of 24 hours per address). A code is mailed
     * only when the address, the client address (IPv6 by its /64), its network (/48) and the
     * whole site are under their limits; each code allows 5 attempts, and checks are also
     * limited per client address and network.
     */
    rateLimit: z
      .object({
        windowSeconds: z.number().int().min(60).max(86_400).default(900),
        perAddress: z.number().int().min(1).max(1_000).default(5),
        /** Codes per address in any 24 hours: bounds guessing and mail to one address. */
        perAddressDaily: z.number().int().min(1).max(10_000).default(10),
        perIp: z.number().int().min(1).max(10_000).default(20),
        /** Per IPv6 /48 (an IPv4 address is its own network): one budget for 65,536 /64s. */
        perNetwork: z.number().int().min(1).max(100_000).default(40),
        siteWide: z.number().int().min(1).max(1_000_000).default(1_000),
        verifyPerIp: z.number().int().min(5).max(10_000).default(60),
        verifyPerNetwork: z.number().int().min(5).max(100_000).default(120),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type AccountsConfig = z.infer<typeof accountsConfigSchema>;
