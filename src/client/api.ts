import type { AccessRequestInput, AccessResponse } from '../schemas/access';

/**
 * Why a call to the access API gave no usable answer, on a fallback decision's `failure`:
 * - `timeout`: no whole answer within `timeoutMs`;
 * - `network`: the connection failed;
 * - `http_<status>`: a non-2xx answer, e.g. `http_503`, or `http_401` for a wrong key (a
 *   4xx other than 429 always walls, whatever `onFailure` says);
 * - `bad_response`: a 2xx whose body is not an access answer this client knows.
 *
 * @example
 * ```ts
 * const decision = await paywall.decide(request, { id: url.pathname });
 * if (decision.source === 'fallback') {
 *   console.warn('paywall_degraded', { failure: decision.failure }); // e.g. "timeout"
 * }
 * ```
 */
export type ApiFailure = 'timeout' | 'network' | `http_${number}` | 'bad_response';

/**
 * `refused`: the service answered with a 4xx other than 429 (a wrong key, an invalid
 * request), as opposed to not answering usefully at all.
 */
export type ApiResult =
  | { ok: true; body: AccessResponse }
  | { ok: false; failure: ApiFailure; refused: boolean };

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
      const { status } = response;
      return { ok: false, failure: `http_${status}`, refused: status < 500 && status !== 429 };
    }
    const body: unknown = await response.json();
    if (isAccessResponse(body)) return { ok: true, body };
    return { ok: false, failure: 'bad_response', refused: false };
  } catch (error) {
    if (signal.aborted) return { ok: false, failure: 'timeout', refused: false };
    const failure = error instanceof SyntaxError ? 'bad_response' : 'network';
    return { ok: false, failure, refused: false };
  }
}

const isVerdict = (value: unknown) => value === 'granted' || value === 'denied';

/**
 * Enough of the shape to act on; the service's own schema guarantees the rest. A peek must
 * say what it would be: an `access` this client does not know is no answer at all.
 */
function isAccessResponse(body: unknown): body is AccessResponse {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  const reader = b.reader as Record<string, unknown> | null | undefined;
  return (
    (isVerdict(b.access) || (b.access === 'peek' && isVerdict(b.wouldBe))) &&
    typeof b.reason === 'string' &&
    typeof reader === 'object' &&
    reader !== null &&
    typeof reader.id === 'string' &&
    typeof reader.clearToken === 'boolean'
  );
}
