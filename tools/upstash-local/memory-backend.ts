import { randomUUID } from 'node:crypto';
import RedisMock from 'ioredis-mock';
import { type Backend, CommandError, type Reply, refusal } from './backend';
import { arities, arityError, isKnownCommand, unknownCommandError } from './command-table';
import { decodeScriptResult, scriptWrapper } from './memory-lua';
import { normalizeOptions } from './memory-options';
import { type MockData, validateAgainstData } from './memory-validate';
import { checkNumKeys, sha1 } from './scripts';

// The embedded backend: ioredis-mock, so a machine with no redis-server still gets a working
// Upstash. The mock has no generic `call`; each command is a method of the same name, which
// is only ever looked up after the name is checked against Redis's own command table.
//
// Everything the mock does happens synchronously inside the promise its method returns, and
// this layer adds no await before dispatching. So one command (a script included) runs
// whole before the next request's, as it would on Redis.

type MockMethod = (...args: string[]) => Promise<unknown>;

export class MemoryBackend implements Backend {
  readonly kind = 'memory' as const;
  readonly description = 'memory (ioredis-mock, data lost on exit)';
  private readonly mock: InstanceType<typeof RedisMock>;
  /** The mock's own EVALSHA only knows scripts run by EVAL; SCRIPT LOAD it lacks. */
  private readonly scripts = new Map<string, string>();
  private readonly wrapped = new Map<string, string>();
  private readonly wrapScript: (script: string, sha: string) => string;

  constructor() {
    // ioredis-mock shares one dataset between every instance with the same host:port/db.
    // A host name of our own gives each server instance its own isolated data.
    this.mock = new RedisMock({ host: `upstash-local-${randomUUID()}`, port: 6379 });
    // Inside scripts, the commands the mock implements are the commands there are.
    this.wrapScript = scriptWrapper(arities((name) => this.method(name) !== undefined));
  }

  exec(command: string[]): Promise<Reply> {
    try {
      const refused = this.queueError(command);
      if (refused) throw new CommandError(refused);
      return this.dispatch(command);
    } catch (error) {
      return Promise.reject(asCommandError(error));
    }
  }

  async close(): Promise<void> {
    // The mock keeps data in a module-level map keyed by host; empty ours so it can be freed.
    await this.mock.flushall();
    this.mock.disconnect();
  }

  /** Errors Redis gives before running a command: refused, unknown name, wrong arity. */
  private queueError(command: string[]): string | undefined {
    const name = (command[0] ?? '').toLowerCase();
    const refused = refusal(name, this.kind);
    if (refused) return refused;
    if (!isKnownCommand(name) || (!this.isScripting(name) && !this.method(name))) {
      return unknownCommandError(command);
    }
    return arityError(command);
  }

  private isScripting(name: string): boolean {
    return ['eval', 'eval_ro', 'evalsha', 'evalsha_ro', 'script'].includes(name);
  }

  private method(name: string): MockMethod | undefined {
    const candidate = (this.mock as unknown as Record<string, unknown>)[name];
    return typeof candidate === 'function' ? (candidate as MockMethod) : undefined;
  }

  private dispatch(command: string[]): Promise<Reply> {
    const name = (command[0] as string).toLowerCase();
    const args = command.slice(1);
    switch (name) {
      case 'eval':
      case 'eval_ro':
        return this.runScript(args[0] as string, args.slice(1));
      case 'evalsha':
      case 'evalsha_ro': {
        const script = this.scripts.get((args[0] as string).toLowerCase());
        if (script === undefined) {
          throw new CommandError('NOSCRIPT No matching script. Please use EVAL.');
        }
        return this.runScript(script, args.slice(1));
      }
      case 'script':
        return Promise.resolve(this.scriptCommand(args));
    }
    const data = (this.mock as unknown as { data: MockData }).data;
    const invalid = validateAgainstData(data, name, args);
    if (invalid) throw new CommandError(invalid);
    const normalized = normalizeOptions([name, ...args]).slice(1);
    const method = this.method(name) as MockMethod;
    return method.apply(this.mock, normalized).then(toReply, (e: unknown) => {
      throw asCommandError(e);
    });
  }

  private runScript(script: string, rest: string[]): Promise<Reply> {
    const invalid = checkNumKeys(rest[0], rest.length - 1);
    if (invalid) throw new CommandError(invalid);
    const sha = sha1(script);
    // Like Redis, EVAL also caches the script for later EVALSHA.
    this.scripts.set(sha, script);
    let lua = this.wrapped.get(sha);
    if (lua === undefined) {
      lua = this.wrapScript(script, sha);
      this.wrapped.set(sha, lua);
    }
    return this.mock.eval(lua, Number(rest[0]), ...rest.slice(1)).then(decodeScriptResult);
  }

  private scriptCommand(args: string[]): Reply {
    const sub = (args[0] ?? '').toLowerCase();
    switch (sub) {
      case 'load': {
        if (args.length !== 2)
          throw new CommandError("ERR wrong number of arguments for 'script|load' command");
        const script = args[1] as string;
        const sha = sha1(script);
        this.scripts.set(sha, script);
        return sha;
      }
      case 'exists':
        if (args.length < 2)
          throw new CommandError("ERR wrong number of arguments for 'script|exists' command");
        return args.slice(1).map((sha) => (this.scripts.has(sha.toLowerCase()) ? 1 : 0));
      case 'flush':
        this.scripts.clear();
        this.wrapped.clear();
        return 'OK';
      default:
        throw new CommandError(`ERR unknown subcommand '${args[0] ?? ''}'. Try SCRIPT HELP.`);
    }
  }
}

/** The mock's JS values → Upstash's JSON replies. */
function toReply(value: unknown): Reply {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(toReply);
  if (value instanceof Error) return value.message;
  // HGETALL comes back as an object through the mock's ioredis-style reply transformer.
  if (typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, toReply(v)]);
  return String(value);
}

/** Mock errors carry Redis's text when it has one; its crashes (TypeError...) become ERR. */
function asCommandError(error: unknown): CommandError {
  if (error instanceof CommandError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CommandError(/^[A-Z][A-Z_]+ /.test(message) ? message : `ERR ${message}`);
}
