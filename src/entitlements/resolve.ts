import type { EntClaim } from './claims';
import type { SubscriberRecord } from './record';
import type { KeyRing } from './signing-keys';
import { accessFromRecord } from './status';
import type { SubscriberStore } from './store';
import { signEntitlement, type TokenPolicy, verifyEntitlement } from './token';

export interface Entitlement {
  subscriberId: string;
  ent: EntClaim;
  expiresAt: Date;
  /** Set when we minted a token on this request (refresh or account link): hand it on. */
  newToken: string | null;
}

/**
 * How the reader's entitlement was settled. Only `valid` is free of Redis; `refreshed`,
 * `revoked` and `linked` cost one lookup; `unverifiable` means Redis did not answer, so we
 * neither grant nor clear (the meter's failure policy decides).
 */
export type EntitlementResult =
  | { kind: 'valid' | 'refreshed' | 'linked'; entitlement: Entitlement }
  | { kind: 'none' }
  | { kind: 'rejected' | 'revoked'; clearToken: true }
  | { kind: 'unverifiable' };

export interface EntitlementDeps {
  ring: KeyRing;
  store: SubscriberStore;
  policy: TokenPolicy & { pastDueGraceDays: number };
}

export async function resolveEntitlement(
  input: { token?: string | undefined; userKey?: string | undefined },
  deps: EntitlementDeps,
  now: Date,
): Promise<EntitlementResult> {
  let failed: EntitlementResult = { kind: 'none' };
  if (input.token !== undefined) {
    const check = await verifyEntitlement(input.token, deps.ring, deps.policy, now);
    if (check.kind === 'valid') {
      const { sub, ent, exp } = check.claims;
      return {
        kind: 'valid',
        entitlement: { subscriberId: sub, ent, expiresAt: new Date(exp * 1000), newToken: null },
      };
    }
    if (check.kind === 'expired') {
      const refreshed = await fromRecord(() => deps.store.get(check.claims.sub), deps, now, {
        scope: check.claims.ent.scope,
      });
      if (refreshed.kind === 'entitled')
        return { kind: 'refreshed', entitlement: refreshed.entitlement };
      if (refreshed.kind === 'unreachable') return { kind: 'unverifiable' };
      failed = { kind: 'revoked', clearToken: true };
    } else {
      failed = { kind: 'rejected', clearToken: true };
    }
  }
  if (input.userKey !== undefined) {
    const userKey = input.userKey;
    const linked = await fromRecord(() => deps.store.findByUser(userKey), deps, now);
    if (linked.kind === 'entitled') return { kind: 'linked', entitlement: linked.entitlement };
  }
  return failed;
}

/**
 * The support linked to a signed-in account (paid while signed in, or found by the Stripe
 * e-mail at sign-in), for a device whose sign-in `sessionId` is still alive (none given: the
 * code was proven just now). `unverifiable` when Redis does not answer: the wall stays up.
 */
export async function resolveAccountEntitlement(
  account: { accountKey: string; sessionId?: string | undefined },
  deps: EntitlementDeps,
  now: Date,
): Promise<EntitlementResult> {
  // Linked because this account was signed in when paying: everything. Linked through an
  // address (typed at Checkout, a Stripe customer's): reading only, never the portal.
  const linked = await fromRecord(
    () => deps.store.findByAccount(account.accountKey, account.sessionId),
    deps,
    now,
    (record) => (record.accountKey === account.accountKey ? {} : { scope: 'read' }),
  );
  if (linked.kind === 'entitled') return { kind: 'linked', entitlement: linked.entitlement };
  return linked.kind === 'unreachable' ? { kind: 'unverifiable' } : { kind: 'none' };
}

type FromRecord =
  | { kind: 'entitled'; entitlement: Entitlement }
  | { kind: 'not_entitled' }
  | { kind: 'unreachable' };

type Minting = { scope?: EntClaim['scope'] };

async function fromRecord(
  load: () => Promise<SubscriberRecord | null>,
  deps: EntitlementDeps,
  now: Date,
  minting: Minting | ((record: SubscriberRecord) => Minting) = {},
): Promise<FromRecord> {
  let record: SubscriberRecord | null;
  try {
    record = await load();
  } catch {
    return { kind: 'unreachable' };
  }
  if (!record) return { kind: 'not_entitled' };
  const opts = typeof minting === 'function' ? minting(record) : minting;
  const entitlement = await entitlementForRecord(record, deps, now, opts);
  return entitlement ? { kind: 'entitled', entitlement } : { kind: 'not_entitled' };
}

/** Mints a token for a record that grants access now; null when billing says it does not. */
export async function entitlementForRecord(
  record: SubscriberRecord,
  deps: EntitlementDeps,
  now: Date,
  opts: Minting = {},
): Promise<Entitlement | null> {
  const access = accessFromRecord(record, now, deps.policy);
  if (!access.entitled) return null;
  const ent: EntClaim = {
    kind: record.kind,
    plan: record.plan,
    status: record.status,
    until: Math.floor(access.until.getTime() / 1000),
    ...(opts.scope ? { scope: opts.scope } : {}),
  };
  const { token, expiresAt } = await signEntitlement(
    deps.ring,
    deps.policy,
    record.subscriberId,
    ent,
    now,
  );
  return { subscriberId: record.subscriberId, ent, expiresAt, newToken: token };
}
