import type { AccessRequestInput, AccessResponse } from '../schemas/access';

/** Why a call to the access API gave no usable answer. */
export type ApiFailure = 'timeout' | 'network' | `http_${number}` | 'bad_response';

export type ApiResult = { ok: true; body: AccessResponse } | { ok: false; failure: ApiFailure };

export interface ApiOptions {
  url: string;
  apiKey: string;
  fetch: typeof fetch;
  timeoutMs: number;
}

/**
 * `POST /_paywall/v1/access` under one time limit that covers the whole exchange, body
 * included. Every way it can go wrong is a value, never a throw: the caller applies the
 * failure policy.
 */
export async function askAccessApi(
  options: ApiOptions,
  input: AccessRequestInput,
): Promise<ApiResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await options.fetch(options.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(input),
      signal,
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, failure: `http_${response.status}` };
    }
    const body: unknown = await response.json();
    return isAccessResponse(body) ? { ok: true, body } : { ok: false, failure: 'bad_response' };
  } catch (error) {
    if (signal.aborted) return { ok: false, failure: 'timeout' };
    return { ok: false, failure: error instanceof SyntaxError ? 'bad_response' : 'network' };
  }
}

/** Enough of the shape to act on; the service's own schema guarantees the rest. */
function isAccessResponse(body: unknown): body is AccessResponse {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  const reader = b.reader as Record<string, unknown> | null | undefined;
  return (
    (b.access === 'granted' || b.access === 'denied') &&
    typeof b.reason === 'string' &&
    typeof reader === 'object' &&
    reader !== null &&
    typeof reader.id === 'string' &&
    typeof reader.clearToken === 'boolean'
  );
}
