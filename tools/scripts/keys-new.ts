import { newSigningKey } from '../lib/keys';

/**
 * `npm run keys:new`: prints a new Ed25519 signing key for ENTITLEMENT_SIGNING_KEYS.
 * The secret is a JSON array whose first key signs; every key in it is published.
 */
const key = await newSigningKey();
const single = JSON.stringify([key]);
process.stdout.write(`${single}\n`);
process.stderr.write(
  [
    '',
    `New key ${key.kid}. To install it as the only key:`,
    '  npx wrangler secret put ENTITLEMENT_SIGNING_KEYS    (paste the line above)',
    'To rotate without logging anyone out:',
    '  1. put [old, new]: the new key is published but does not sign yet;',
    '  2. after 5 minutes (JWKS cache), put [new, old]: the new key signs;',
    '  3. after the refresh horizon (30 days), put [new].',
    '',
  ].join('\n'),
);
