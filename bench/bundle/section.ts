import { fixed, type Goal } from '../support/format';
import { type BundleBenchResult, kb, ms } from './report';

/**
 * The "deployed bundle" section of docs/performance.md, from one result (the page's writer,
 * bench/support/performance-doc.ts, places it). Markdown lines joined with newlines; the
 * writer wraps prose and formats the page.
 */
export function renderBundleSection(r: BundleBenchResult): string {
  const { deployed, unminified } = r.sizes;
  const by = (variant: string) => r.startup.summary.find((s) => s.variant === variant);
  const [floor, worker, plain, eager, stripe] = [
    by('floor'),
    by('deployed'),
    by('unminified'),
    by('eagerStripe'),
    by('stripeOnly'),
  ];
  const over = (s: typeof floor) => (s ? `${ms(s.overFloorCpuMs)} ms` : 'n/a');
  const dirty = r.code.srcDirty ? ' plus uncommitted `src/` changes' : '';
  const top = r.packages.slice(0, 4).map((p) => `${p.name} ${kb(p.bytes)}`);
  return [
    '## The deployed bundle',
    '',
    `Measured ${r.date.slice(0, 10)} at commit \`${r.code.commit}\`${dirty} on ${r.cpus} CPUs ` +
      `(${r.cpuModel}), Node ${r.node}, wrangler ${r.wrangler}, workerd ${r.workerd}.`,
    '',
    `The worker as \`wrangler deploy\` uploads it (\`wrangler deploy --dry-run\`, minified by ` +
      `wrangler.toml's \`minify = true\`): **${kb(deployed.gzip)} gzipped** ` +
      `(${count(deployed.gzip)} B, zlib's default level as wrangler counts; ` +
      `${fixed(deployed.gzip / r.config.goalGzipBytes, 2)}× the goal of ${kb(r.config.goalGzipBytes)}), ` +
      `${mb(deployed.raw)} raw. Not minified it would be ${kb(unminified.gzip)} gzipped ` +
      `(${mb(unminified.raw)} raw). The largest parts before compression: ${top.join(', ')}. ` +
      "zod's error messages are English only: wrangler.toml's `[alias]` leaves out the other " +
      'languages, which `@hono/zod-openapi` would otherwise pull in (about 39 KB gzipped; see ' +
      '`tools/build/zod-locales-english.ts`).',
    '',
    `**Startup**, each build started cold in its own workerd, ${r.config.rounds} interleaved ` +
      'rounds, medians. CPU is what workerd has spent when it first accepts a connection (it ' +
      "runs the worker's global scope before it listens), less an empty worker's in the same round:",
    '',
    '| worker | CPU over the empty worker, ms | CPU at listening, ms | first answer, wall ms |',
    '| --- | --- | --- | --- |',
    ...[worker, plain, eager, stripe, floor]
      .filter((s) => s !== undefined)
      .map(
        (s) =>
          `| ${s.label} | ${s.variant === 'floor' ? '0 (the floor)' : ms(s.overFloorCpuMs)} | ` +
          `${ms(s.listenCpuMs)} | ${ms(s.firstResponseMs)} |`,
      ),
    '',
    `The worker's own startup is ${over(worker)} of CPU here (Cloudflare's limit is ` +
      `${count(r.config.startupGoalCpuMs)} ms). Stripe's SDK alone costs ${over(stripe)}; it is ` +
      `imported on first use (\`src/billing/stripe-client.ts\`), and evaluated at startup the ` +
      `worker would take ${over(eager)}. Wall times on a shared machine vary far more than CPU.`,
    '',
    ...goals(r.goals),
  ].join('\n');
}

const count = (n: number) => n.toLocaleString('en-US');
const mb = (bytes: number) => `${fixed(bytes / 1024 / 1024, 2)} MB`;
const cell = (text: string) => text.replace(/\|/g, '\\|');

function goals(list: Goal[]): string[] {
  return [
    '| goal | measured | verdict |',
    '| --- | --- | --- |',
    ...list.map((g) => `| ${cell(g.name)} | ${cell(g.value)} | ${g.pass ? 'PASS' : '**FAIL**'} |`),
    '',
  ];
}
