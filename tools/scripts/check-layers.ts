/**
 * `npm run check:layers` (part of `npm run check`): every import in src/ points down the layer
 * table of docs/architecture.md convention 17, or stays in its own layer; none points up. The
 * table below is that table: change both together. A package that is a boundary of its own
 * (the Stripe SDK) may be imported only where the boundary table says.
 *
 * Imports are read with the TypeScript parser, so multi-line, `import type`, `export … from`,
 * `import('…')` and type-position `import('…')` all count: a type is a dependency too. Only
 * relative imports inside src/ are judged; packages are not in the table. Every file in src/
 * must belong to a layer, so a new folder is placed on purpose, not by accident.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

export interface Layer {
  name: string;
  /** Paths relative to src/: a file (`app.ts`) or a folder (`routes/`). */
  modules: readonly string[];
}

/** Top to bottom: a module may import its own layer and the layers below it, never above. */
export const LAYERS: readonly Layer[] = [
  { name: 'entry', modules: ['index.ts', 'app.ts'] },
  { name: 'routes', modules: ['routes/'] },
  { name: 'http', modules: ['http/'] },
  { name: 'composition', modules: ['services.ts', 'env.ts', 'config.ts'] },
  {
    name: 'concerns',
    modules: [
      'access/',
      'admin/',
      'billing/',
      'docs/',
      'entitlements/',
      'experiments/',
      'identity/',
      'mail/',
      'meter/',
      'privacy/',
      'prompt/',
      'proxy/',
      'reader/',
      'rules/',
      'stats/',
    ],
  },
  {
    name: 'plumbing',
    modules: [
      'errors.ts',
      'redis/',
      'schemas/',
      'html/',
      'log.ts',
      'encoding.ts',
      'loopback.ts',
      'secret-match.ts',
    ],
  },
  { name: 'contract', modules: ['contract/'] },
];

/**
 * `edge-paywall/client` ships to the site's own middleware on its own: it may import the
 * zod-free contract it shares with the service and `loopback.ts`, and the service's zod schemas
 * for their types only (so zod never reaches its bundle). Nothing in the worker imports it.
 */
export const CLIENT: { folder: string; may: readonly string[]; typesOnly: readonly string[] } = {
  folder: 'client/',
  may: ['client/', 'contract/', 'loopback.ts'],
  typesOnly: ['schemas/'],
};

/**
 * Packages that are a boundary of their own, with the only folders that may import them (the
 * boundary table in docs/architecture.md): routes speak to Billing, and only billing/ speaks
 * to the Stripe SDK.
 */
export const PACKAGE_OWNERS: Readonly<Record<string, readonly string[]>> = {
  stripe: ['billing/'],
};

export interface SourceFile {
  /** Relative to src/, with `/` separators: `routes/access.ts`. */
  path: string;
  text: string;
}

interface Import {
  specifier: string;
  line: number;
  typeOnly: boolean;
}

const within = (path: string, module: string) =>
  module.endsWith('/') ? path.startsWith(module) : path === module;

/** The layer's index in LAYERS (0 is the top), 'client', or null when the table has no place for it. */
export function layerOf(path: string, layers: readonly Layer[] = LAYERS): number | 'client' | null {
  if (within(path, CLIENT.folder)) return 'client';
  const index = layers.findIndex((layer) => layer.modules.some((m) => within(path, m)));
  return index === -1 ? null : index;
}

/** Every module this file imports, with whether the import can only bring in types. */
export function importsOf(file: SourceFile): Import[] {
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true);
  const found: Import[] = [];
  const add = (node: ts.Node, specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (!specifier || !ts.isStringLiteralLike(specifier)) return;
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    found.push({ specifier: specifier.text, line: line + 1, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            named !== undefined &&
            ts.isNamedImports(named) &&
            named.elements.length > 0 &&
            named.elements.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) {
      const clause = node.exportClause;
      const typeOnly =
        node.isTypeOnly ||
        (clause !== undefined &&
          ts.isNamedExports(clause) &&
          clause.elements.length > 0 &&
          clause.elements.every((e) => e.isTypeOnly));
      add(node, node.moduleSpecifier, typeOnly);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument)) add(node, argument.literal, true);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `../schemas/access` from `routes/access.ts` → `schemas/access.ts`, when that file exists. */
function resolveImport(from: string, specifier: string, paths: ReadonlySet<string>) {
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  return [base, `${base}.ts`, `${base}/index.ts`].find((candidate) => paths.has(candidate));
}

/** Every import that breaks the table, as a line a reader can act on. */
export function checkLayers(files: readonly SourceFile[], layers: readonly Layer[] = LAYERS) {
  const paths = new Set(files.map((f) => f.path));
  const name = (layer: number | 'client') => (layer === 'client' ? 'client' : layers[layer]?.name);
  const problems: string[] = [];
  for (const file of files) {
    const from = layerOf(file.path, layers);
    if (from === null) {
      problems.push(`src/${file.path}: not in the layer table (tools/scripts/check-layers.ts)`);
      continue;
    }
    for (const { specifier, line, typeOnly } of importsOf(file)) {
      const where = `src/${file.path}:${line}`;
      if (!specifier.startsWith('.')) {
        const owner = Object.keys(PACKAGE_OWNERS).find(
          (pkg) => specifier === pkg || specifier.startsWith(`${pkg}/`),
        );
        const owners = owner === undefined ? undefined : PACKAGE_OWNERS[owner];
        if (owners && !owners.some((m) => within(file.path, m))) {
          problems.push(`${where}: imports '${specifier}', which only ${owners.join(', ')} may`);
        }
        continue;
      }
      const target = resolveImport(file.path, specifier, paths);
      if (target === undefined) {
        if (posix.normalize(posix.join(posix.dirname(file.path), specifier)).startsWith('../'))
          continue; // outside src/ (none today): not the worker's layering
        problems.push(`${where}: cannot resolve '${specifier}'`);
        continue;
      }
      const to = layerOf(target, layers);
      if (to === null) continue; // reported once, for the file itself
      if (from === 'client') {
        const allowed =
          CLIENT.may.some((m) => within(target, m)) ||
          (typeOnly && CLIENT.typesOnly.some((m) => within(target, m)));
        if (!allowed) {
          problems.push(
            `${where}: the client imports src/${target}${CLIENT.typesOnly.some((m) => within(target, m)) ? ' for more than its types' : ''} (it may import ${[...CLIENT.may, ...CLIENT.typesOnly.map((m) => `${m} (types only)`)].join(', ')})`,
          );
        }
      } else if (to === 'client') {
        problems.push(`${where}: the worker imports the client (src/${target})`);
      } else if (to < from) {
        problems.push(`${where}: imports src/${target}, upward from ${name(from)} to ${name(to)}`);
      }
    }
  }
  return problems;
}

function sourceFiles(root: string, dir = root): SourceFile[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) return sourceFiles(root, full);
    if (!entry.endsWith('.ts')) return [];
    return [{ path: relative(root, full).split('\\').join('/'), text: readFileSync(full, 'utf8') }];
  });
}

function main(): number {
  const src = resolve(import.meta.dirname, '../../src');
  const files = sourceFiles(src);
  const problems = checkLayers(files);
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) {
    console.error(
      `${problems.length} import(s) against the layer table (docs/architecture.md convention 17)`,
    );
    return 1;
  }
  console.log(`layers: ${files.length} files in src/, every import points down`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main();
