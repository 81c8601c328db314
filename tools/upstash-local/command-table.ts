import { createRequire } from 'node:module';

// Command names and arities, for the embedded backend: a real redis-server checks these
// itself, ioredis-mock does not (GET with no key answers null there). The table ships with
// @ioredis/commands, which ioredis and ioredis-mock both depend on, so it matches the
// commands those libraries know.

interface CommandSpec {
  arity: number;
  flags: string[];
}

const require = createRequire(import.meta.url);
const table = require('@ioredis/commands/built/commands.json') as Record<string, CommandSpec>;

export function isKnownCommand(name: string): boolean {
  return Object.hasOwn(table, name.toLowerCase());
}

/** Redis's text for a command it does not know, args quoted as redis-server quotes them. */
export function unknownCommandError(command: string[]): string {
  let args = '';
  for (const arg of command.slice(1)) {
    if (args.length >= 128) break;
    args += `'${arg.slice(0, 128)}' `;
  }
  return `ERR unknown command '${command[0]}', with args beginning with: ${args}`;
}

/**
 * Arity as redis-server counts it, the command name included: a positive number is exact,
 * a negative one is a minimum. Returns Redis's error text when the count is wrong.
 */
export function arityError(command: string[]): string | undefined {
  const name = (command[0] ?? '').toLowerCase();
  const spec = table[name];
  if (!spec) return undefined;
  const count = command.length;
  const ok = spec.arity >= 0 ? count === spec.arity : count >= -spec.arity;
  return ok ? undefined : `ERR wrong number of arguments for '${name}' command`;
}

/** Name → arity for the commands `keep` accepts, e.g. those an implementation has. */
export function arities(keep: (name: string) => boolean): Record<string, number> {
  return Object.fromEntries(
    Object.entries(table)
      .filter(([name]) => keep(name))
      .map(([name, spec]) => [name, spec.arity]),
  );
}
