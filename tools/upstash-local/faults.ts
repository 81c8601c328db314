// Faults a test switches on and off, so the worker's answers to a failing Upstash can be
// proved against the real client. They are scoped by tenant so that they never disturb
// another test on the same server: a client whose URL is `<server>/t/<tenant>` is served
// exactly as one on `<server>/`, but under that tenant's fault; `/` is the tenant "" (the
// soak run's, or a server of one's own). Switch with `POST /_local/faults/<tenant>` (or
// `/_local/faults` for ""), authenticated with the server's token. See README.md.

export const FAULT_MODES = [
  'none',
  'down',
  'slow',
  'status500',
  'html502',
  'partial',
  'noscript',
] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultConfig {
  mode: FaultMode;
  /** slow: how long each answer waits (default 1000 ms, past the worker's 200 ms limit). */
  delayMs: number;
  /** partial: commands that pass before the failures start (default 0). */
  skip: number;
  /** partial: commands that then fail (default 1); after them, commands pass again. */
  fail: number;
  /** Any mode but partial: affect only the next `times` commands, then clear (default: until cleared). */
  times: number | null;
}

export interface FaultState extends FaultConfig {
  /** Commands this tenant has received since its fault was last set. */
  seen: number;
  /** Of those, the ones the fault answered (or dropped). */
  faulted: number;
  /**
   * Commands a `slow` fault delayed that have not run yet, kept across switches: a test waits
   * for 0 to know every late write has landed.
   */
  pending: number;
}

/** What the server does with one command under the tenant's fault. */
export type FaultAction =
  | { kind: 'pass' }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' }
  | { kind: 'answer'; status: number; contentType: string; body: string };

export const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
  '<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

const JSON_TYPE = 'application/json';
const MAX_DELAY_MS = 60_000;

export class FaultConfigError extends Error {}

/** Validates a switch body: unknown modes, fields or out-of-range numbers are refused. */
export function parseFaultConfig(text: string): FaultConfig {
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new FaultConfigError('body must be JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new FaultConfigError('body must be a JSON object');
  }
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['mode', 'delayMs', 'skip', 'fail', 'times'].includes(key)) {
      throw new FaultConfigError(`unknown field "${key}"`);
    }
  }
  const mode = o.mode ?? 'none';
  if (typeof mode !== 'string' || !(FAULT_MODES as readonly string[]).includes(mode)) {
    throw new FaultConfigError(`mode must be one of ${FAULT_MODES.join(', ')}`);
  }
  const int = (name: string, fallback: number, max: number): number => {
    const v = o[name] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
      throw new FaultConfigError(`${name} must be an integer from 0 to ${max}`);
    }
    return v;
  };
  return {
    mode: mode as FaultMode,
    delayMs: int('delayMs', 1000, MAX_DELAY_MS),
    skip: int('skip', 0, 1_000_000),
    fail: int('fail', 1, 1_000_000),
    times: o.times === undefined || o.times === null ? null : int('times', 0, 1_000_000),
  };
}

export class Faults {
  private readonly tenants = new Map<string, Omit<FaultState, 'pending'>>();
  private readonly pending = new Map<string, number>();

  set(tenant: string, config: FaultConfig): FaultState {
    const state = { ...config, seen: 0, faulted: 0 };
    if (config.mode === 'none') this.tenants.delete(tenant);
    else this.tenants.set(tenant, state);
    return { ...state, pending: this.pending.get(tenant) ?? 0 };
  }

  get(tenant: string): FaultState {
    const state = this.tenants.get(tenant) ?? { ...parseFaultConfig('{}'), seen: 0, faulted: 0 };
    return { ...state, pending: this.pending.get(tenant) ?? 0 };
  }

  /** A delayed command starts (+1) or has run (-1). */
  delayed(tenant: string, change: 1 | -1): void {
    const n = (this.pending.get(tenant) ?? 0) + change;
    if (n <= 0) this.pending.delete(tenant);
    else this.pending.set(tenant, n);
  }

  /** Decides, and counts, what happens to one command sent to `tenant`. */
  next(tenant: string, command: unknown): FaultAction {
    const state = this.tenants.get(tenant);
    if (!state) return { kind: 'pass' };
    state.seen += 1;
    const action = this.decide(state, command);
    if (action.kind !== 'pass') {
      state.faulted += 1;
      if (state.mode !== 'partial' && state.times !== null) {
        state.times -= 1;
        if (state.times <= 0) state.mode = 'none';
      }
    }
    return action;
  }

  private decide(state: Omit<FaultState, 'pending'>, command: unknown): FaultAction {
    switch (state.mode) {
      case 'none':
        return { kind: 'pass' };
      case 'down':
        return { kind: 'drop' };
      case 'slow':
        return { kind: 'delay', ms: state.delayMs };
      case 'status500':
        return jsonAnswer(500, 'ERR upstash-local: injected internal error');
      case 'html502':
        return { kind: 'answer', status: 502, contentType: 'text/html', body: NGINX_502 };
      case 'noscript':
        return isEvalsha(command)
          ? jsonAnswer(400, 'NOSCRIPT No matching script. Please use EVAL.')
          : { kind: 'pass' };
      case 'partial':
        if (state.skip > 0) {
          state.skip -= 1;
          return { kind: 'pass' };
        }
        if (state.fail > 0) {
          state.fail -= 1;
          return jsonAnswer(500, 'ERR upstash-local: injected failure of this command');
        }
        return { kind: 'pass' };
    }
  }
}

function jsonAnswer(status: number, error: string): FaultAction {
  return { kind: 'answer', status, contentType: JSON_TYPE, body: JSON.stringify({ error }) };
}

/** EVALSHA and EVALSHA_RO, whatever the case; a body that is not a command is not one. */
function isEvalsha(command: unknown): boolean {
  if (!Array.isArray(command) || typeof command[0] !== 'string') return false;
  return /^evalsha(_ro)?$/i.test(command[0]);
}

/** `/t/<tenant>` or `/t/<tenant>/` → the tenant; `/` → ""; anything else → null. */
export function tenantOfPath(path: string): { tenant: string; rest: string } | null {
  if (path === '/') return { tenant: '', rest: '/' };
  const m = /^\/t\/([\w-]{1,64})(\/.*)?$/.exec(path);
  if (!m?.[1]) return null;
  return { tenant: m[1], rest: m[2] && m[2] !== '' ? m[2] : '/' };
}

/** `/_local/faults` → ""; `/_local/faults/<tenant>` → the tenant; else null. */
export function tenantOfControlPath(path: string): string | null {
  if (path === '/_local/faults' || path === '/_local/faults/') return '';
  const m = /^\/_local\/faults\/([\w-]{1,64})$/.exec(path);
  return m?.[1] ?? null;
}
