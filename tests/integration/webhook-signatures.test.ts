import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { harmlessEvent, signedWebhook, v1Signature } from '../support/stripe';
import { callWorker } from '../support/worker';

const nowS = () => Math.floor(Date.now() / 1000);

async function outcome(request: Request): Promise<[number, string]> {
  const response = await callWorker(request);
  const body = (await response.json()) as { outcome?: string; error?: { code: string } };
  return [response.status, body.outcome ?? body.error?.code ?? ''];
}

describe('webhook signatures: 400 only for a bad signature, and a refused delivery changes nothing', () => {
  it('a correct signature is accepted; an unknown type is acknowledged', async () => {
    expect(await outcome(await signedWebhook(harmlessEvent()))).toEqual([200, 'ignored']);
  });

  it.each([
    [
      'no signature',
      async (p: string) => {
        const r = await signedWebhook(p);
        const headers = new Headers(r.headers);
        headers.delete('stripe-signature');
        return new Request(r.url, { method: 'POST', headers, body: p });
      },
    ],
    ['the wrong secret', (p: string) => signedWebhook(p, { secret: 'whsec_wrong_secret_0000' })],
    [
      'one body byte changed',
      async (p: string) => {
        const r = await signedWebhook(p);
        return new Request(r.url, {
          method: 'POST',
          headers: r.headers,
          body: p.replace('"livemode":false', '"livemode":fals0'),
        });
      },
    ],
    [
      're-serialized JSON (same data, other bytes)',
      async (p: string) => {
        const r = await signedWebhook(p);
        return new Request(r.url, {
          method: 'POST',
          headers: r.headers,
          body: JSON.stringify(JSON.parse(p), null, 2),
        });
      },
    ],
    ['a timestamp 301 s old', (p: string) => signedWebhook(p, { timestamp: nowS() - 301 })],
    ['a garbage header', (p: string) => signedWebhook(p, { header: 't=abc,v1=zzz' })],
  ])('%s gets 400, and the event can still be delivered properly afterwards', async (_, make) => {
    const payload = harmlessEvent();
    expect(await outcome(await make(payload))).toEqual([400, 'invalid_request']);
    // Not claimed by the refused attempt: the genuine delivery is processed, not a "duplicate".
    expect(await outcome(await signedWebhook(payload))).toEqual([200, 'ignored']);
    expect(await outcome(await signedWebhook(payload))).toEqual([200, 'duplicate']);
  });

  it('two v1 signatures, one from a rotated-out secret, are accepted', async () => {
    const payload = harmlessEvent();
    const t = nowS();
    const old = await v1Signature(payload, 'whsec_rotated_out_secret', t);
    const current = await v1Signature(payload, env.STRIPE_WEBHOOK_SECRET, t);
    const request = await signedWebhook(payload, { header: `t=${t},v1=${old},v1=${current}` });
    expect(await outcome(request)).toEqual([200, 'ignored']);
  });

  it('while a secret is being rolled, both configured secrets verify', async () => {
    const { withBindings } = await import('../support/worker');
    const rolling = withBindings({
      STRIPE_WEBHOOK_SECRET: `whsec_new_secret_1234,${env.STRIPE_WEBHOOK_SECRET}`,
    });
    const a = await rolling(
      await signedWebhook(harmlessEvent(), { secret: 'whsec_new_secret_1234' }),
    );
    const b = await rolling(await signedWebhook(harmlessEvent()));
    expect([a.status, b.status]).toEqual([200, 200]);
  });

  it('an oversized body is refused without reading it all', async () => {
    const payload = JSON.stringify({ pad: 'x'.repeat(300 * 1024) });
    const response = await callWorker(await signedWebhook(payload));
    expect(response.status).toBe(400);
  });
});
