import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { AccessBenchResult } from '../access/report';
import { DECISION_OVER_FLOOR_GOAL, SUBSCRIBER_OVER_CONSTANT_GOAL } from '../access/summary';
import type { BundleBenchResult } from '../bundle/report';
import { renderBundleSection } from '../bundle/section';
import type { ClientBenchResult } from '../client/report';
import type { ProxyBenchResult } from '../proxy/report';
import {
  RETURNING_OVER_REDIS_FLOOR_GOAL,
  REWRITE_OVER_PASSTHROUGH_GOAL,
  row,
  TTFB_5MB_OVER_10KB_GOAL,
} from '../proxy/summary';
import { trafficSection } from '../traffic/doc';
import type { TrafficBenchResult } from '../traffic/report';
import { fixed, type Goal } from './format';
import { ROOT } from './wrangler';

/**
 * docs/performance.md, written by `npm run bench` from the very results it printed, so the
 * page cannot drift from the code it measured. A bench not run this time keeps its section
 * from its last results file (bench/results/<name>.json), and every section names the date
 * and commit it was measured at. Rendering is pure (`renderPerformanceDoc`); the file is then
 * formatted with biome, as `npm run check` expects every Markdown file to be.
 */
export const PERFORMANCE_DOC = resolve(ROOT, 'docs/performance.md');
const RESULTS = resolve(ROOT, 'bench/results');

export interface BenchResults {
  access?: AccessBenchResult | undefined;
  proxy?: ProxyBenchResult | undefined;
  client?: ClientBenchResult | undefined;
  traffic?: TrafficBenchResult | undefined;
  bundle?: BundleBenchResult | undefined;
}

/** `fresh` holds this run's results; the other benches are read from their last results file. */
export function writePerformanceDoc(fresh: BenchResults): string {
  const results: BenchResults = {
    access: fresh.access ?? readResult<AccessBenchResult>('access'),
    proxy: fresh.proxy ?? readResult<ProxyBenchResult>('proxy'),
    client: fresh.client ?? readResult<ClientBenchResult>('client'),
    traffic: fresh.traffic ?? readResult<TrafficBenchResult>('traffic'),
    bundle: fresh.bundle ?? readResult<BundleBenchResult>('bundle'),
  };
  writeFileSync(PERFORMANCE_DOC, renderPerformanceDoc(results));
  execFileSync(
    resolve(ROOT, 'node_modules/.bin/biome'),
    ['format', '--write', relative(ROOT, PERFORMANCE_DOC)],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return PERFORMANCE_DOC;
}

function readResult<T>(name: string): T | undefined {
  const path = resolve(RESULTS, `${name}.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

export function renderPerformanceDoc(r: BenchResults): string {
  const lines = [
    '<!-- Written by `npm run bench` (bench/support/performance-doc.ts) from bench/results/*.json.',
    '     Do not edit by hand: run the bench. -->',
    '',
    '# Performance',
    '',
    '`npm run bench` (about 8 minutes; `npm run bench -- access`, `-- proxy`, `-- client`,',
    '`-- traffic` or `-- bundle` for one) measures side by side in one run on this machine, prints the results',
    'with a PASS or FAIL per goal, writes them to `bench/results/`, and rewrites this page from',
    'them. A bench that was not run keeps the section of its last run; each section names its',
    'date and commit. Goals missed are reported, not hidden: a bench on a shared machine is',
    'evidence, not a gate.',
    '',
    ...(r.access ? accessSection(r.access) : notMeasured('access', 'The access decision')),
    ...(r.proxy ? proxySection(r.proxy) : notMeasured('proxy', 'The proxy')),
    ...(r.client ? clientSection(r.client) : notMeasured('client', "The client's bundle")),
    ...(r.traffic
      ? trafficSection(r.traffic, {
          measuredOn: measuredOn(r.traffic),
          goals: goals(r.traffic.goals),
        })
      : notMeasured('traffic', 'Traffic: what the meter costs')),
    ...(r.bundle
      ? renderBundleSection(r.bundle).split('\n')
      : notMeasured('bundle', 'The deployed bundle')),
    'Full tables: `bench/results/access.json`, `bench/results/proxy.json`,',
    '`bench/results/client.json`, `bench/results/traffic.json` and `bench/results/bundle.json`.',
    '',
  ];
  return lines.flatMap(wrap).join('\n');
}

/** Prose is wrapped at word boundaries like the rest of docs/; tables and headings never are. */
function wrap(line: string): string[] {
  const width = 96;
  if (line.length <= width || /^(\||#|<!--)/.test(line)) return [line];
  const out: string[] = [];
  let current = '';
  // A number keeps its unit on the same line: `20.0 KB`, `3,615 B`, `8.6 ms`.
  const words = line.split(' ').reduce<string[]>((acc, word) => {
    const last = acc.length - 1;
    if (last >= 0 && /^(KB|MB|B|ms|µs|s)\b/.test(word) && /\d$/.test(acc[last] ?? '')) {
      acc[last] = `${acc[last]} ${word}`;
    } else acc.push(word);
    return acc;
  }, []);
  for (const word of words) {
    if (current !== '' && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  if (current !== '') out.push(current);
  return out;
}

function notMeasured(name: string, title: string): string[] {
  return [`## ${title}`, '', `Not measured yet: run \`npm run bench -- ${name}\`.`, ''];
}

function accessSection(r: AccessBenchResult): string[] {
  const s = r.load.scenarios;
  const ratios = r.load.ratios;
  const sub = r.subscriberWork;
  const decision = s.decision;
  const degraded = decision.tally['bad: degraded'] ?? 0;
  const otherFailures = r.load.failures - degraded;
  const labels: Record<keyof typeof s, string> = {
    decision: 'anonymous decision (mixed metered / already read / exhausted)',
    subscriber: 'subscriber decision (valid token)',
    redis: 'floor: the same worker making one bare `@upstash/redis` call',
    constant: 'floor: the same worker answering a constant JSON body',
  };
  return [
    '## The access decision',
    '',
    `${measuredOn(r)}, wrangler dev with its inspector ${r.config.inspector ? 'on' : 'off'}, ` +
      `upstash-local on redis-server ${r.redisVersion}.`,
    '',
    '**Redis work per decision, counted at redis-server with `MONITOR`** (upper case: a round',
    'trip from the worker; lower case: run inside the Lua script):',
    '',
    '| decision | reason | round trips | commands (Upstash bills these) |',
    '| --- | --- | --- | --- |',
    ...r.redisWork.cases.map(
      (c) =>
        `| anonymous, ${c.name}${c.windowBegun ? '' : ' (sets the expiry)'} | \`${c.expectedReason}\`` +
        `${c.reasons.every((x) => x === c.expectedReason) ? '' : ` (answered ${c.reasons.join('/')})`} | ` +
        `${c.roundTrips} | ${c.commands} (\`${c.commandList}\`) |`,
    ),
    `| **subscriber with a valid token** | \`${sub.reasons.join('/')}\` | **${sub.roundTrips}** | ` +
      `**${sub.commands}** (${sub.decisions} decisions watched) |`,
    '',
    `**Throughput of \`POST /_paywall/v1/access\`** (autocannon, ${r.config.connections} connections, ` +
      `${r.config.rounds} interleaved rounds of ${r.config.seconds} s, medians of rounds):`,
    '',
    '| scenario | req/s | p50 ms | p99 ms |',
    '| --- | --- | --- | --- |',
    ...(Object.keys(labels) as (keyof typeof s)[]).map(
      (k) =>
        `| ${labels[k]} | ${fixed(s[k].rps)} | ${fixed(s[k].p50, 1)} | ${fixed(s[k].p99, 1)} |`,
    ),
    '',
    `Decision / one-bare-call floor = **${fixed(ratios.decisionOverRedisFloor, 2)}×** ` +
      `(goal ≥ ${DECISION_OVER_FLOOR_GOAL}×; ${fixed(ratios.decisionOverRedisFloorByCpu, 2)}× by CPU per request). ` +
      `Subscriber / constant floor = **${fixed(ratios.subscriberOverConstant, 2)}×** ` +
      `(goal ≥ ${SUBSCRIBER_OVER_CONSTANT_GOAL}×; ${fixed(ratios.subscriberOverConstantByCpu, 2)}× by CPU per request).`,
    ...(degraded > 0
      ? [
          '',
          `Under this saturating load ${count(degraded)} of ${count(decision.requests)} anonymous ` +
            `decisions (${fixed((100 * degraded) / Math.max(1, decision.requests), 2)}%) waited past ` +
            'the Redis time limit (`REDIS_TIMEOUT_MS`) and failed open as `degraded`, as designed; ' +
            'the bench counts them as failures.',
        ]
      : []),
    ...(otherFailures > 0
      ? [
          '',
          `**${count(otherFailures)} other answers failed** (errors, timeouts or wrong bodies): ` +
            'see the tallies in `bench/results/access.json`.',
        ]
      : []),
    '',
    ...goals(r.goals),
  ];
}

/** Peak worker memory growth for a 5 MB page (MB) under which the page plainly streamed. */
const STREAMED_GROWTH_MB = 1;

function proxySection(r: ProxyBenchResult): string[] {
  const s = r.load.scenarios;
  const q = r.load.ratios;
  const labels: Record<keyof typeof s, string> = {
    rewrite: "new reader's first read, rewritten (no Redis command)",
    gate: "new reader's first read, decision, page passed through untouched",
    passthrough: 'the page passed through, no gating',
    returning: 'returning reader, the meter asked in Redis, rewritten',
    redisFloor: 'one bare Redis call, then the page passed through',
  };
  const rewriteMet = q.rewriteOverPassthrough.median >= REWRITE_OVER_PASSTHROUGH_GOAL;
  const returningMet = q.returningOverRedisFloor.median >= RETURNING_OVER_REDIS_FLOOR_GOAL;
  const ttfb = (kb: number) => row(r.stream, 'rewrite', kb)?.ttfbMs ?? Number.NaN;
  const peak = (kb: number) => row(r.stream, 'rewrite', kb)?.memory?.worker.peakKb ?? Number.NaN;
  const growthMb = (peak(5120) - peak(10)) / 1024;
  const passPeak = (kb: number) =>
    row(r.stream, 'passthrough', kb)?.memory?.worker.peakKb ?? Number.NaN;
  const passGrowthMb = (passPeak(5120) - passPeak(10)) / 1024;
  const returningCpu = s.returning.cpu;
  const redisCpu = returningCpu['upstash-local'] + returningCpu['redis-server'];
  return [
    '## The proxy',
    '',
    `${measuredOn(r)}, wrangler dev with its inspector ${r.config.inspector ? 'on' : 'off'}, ` +
      'upstash-local on the real redis-server, the demo origin on the same machine.',
    '',
    `**Throughput** (\`GET\` a ${r.config.loadPageKb} KB article through the worker; a new ` +
      "reader's first read sends no cookie and is granted and metered with the notice and live " +
      'prompt injected, carried in the new reader id with no Redis command; a returning reader ' +
      `sends one of ${r.config.returningReaders} reader ids with no carried state whose read is ` +
      'already counted, so the meter script runs in Redis (`already_read`) and the live prompt is ' +
      `injected; ${r.config.connections} connections, ${r.config.rounds} interleaved rounds of ` +
      `${r.config.seconds} s, medians of rounds):`,
    '',
    '| scenario | req/s | p50 ms | p99 ms |',
    '| --- | --- | --- | --- |',
    ...(Object.keys(labels) as (keyof typeof s)[]).map(
      (k) =>
        `| ${labels[k]} | ${fixed(s[k].rps)} | ${fixed(s[k].p50, 1)} | ${fixed(s[k].p99, 1)} |`,
    ),
    '',
    `Rewriting on top of the decision: rewrite / decision-only = **${fixed(q.rewriteOverGate.median, 2)}×**. ` +
      `Against ungated pass-through the rewritten read is **${fixed(q.rewriteOverPassthrough.median, 2)}×**` +
      ` (goal ≥ ${REWRITE_OVER_PASSTHROUGH_GOAL}×${rewriteMet ? '' : ', not met here'}). This read ` +
      "asks Redis nothing, so what separates it from pass-through is the worker's own work: CPU " +
      `per request in the worker's workerd ${fixed(s.rewrite.cpu['workerd-worker'])} µs rewritten, ` +
      `${fixed(s.gate.cpu['workerd-worker'])} µs for the decision alone and ` +
      `${fixed(s.passthrough.cpu['workerd-worker'])} µs passed through ` +
      `(by all our CPU per request, rewrite / pass-through = ${fixed(q.rewriteOverPassthrough.byCpu, 2)}×).`,
    '',
    "A page that asks the meter cannot beat one Redis call: the returning reader's rewritten " +
      `page is **${fixed(q.returningOverRedisFloor.median, 2)}×** the same page passed through ` +
      `after one bare Redis call (goal ≥ ${RETURNING_OVER_REDIS_FLOOR_GOAL}×` +
      `${returningMet ? '' : ', not met here: see the note below'}; by all our CPU per request ` +
      `${fixed(q.returningOverRedisFloor.byCpu, 2)}×); that floor is itself ` +
      `${fixed(q.redisFloorOverPassthrough.median, 2)}× the ungated pass-through.`,
    '',
    `**Streaming** (one request at a time, medians of rounds): time to first byte ` +
      `${fixed(ttfb(10), 1)} ms for a 10 KB article, ${fixed(ttfb(1024), 1)} ms for 1 MB and ` +
      `${fixed(ttfb(5120), 1)} ms for 5 MB (5 MB / 10 KB = **${fixed(ttfb(5120) / ttfb(10), 2)}×**, goal ≤ ${TTFB_5MB_OVER_10KB_GOAL}×), ` +
      `and the worker's peak memory grows by ${fixed(growthMb, 1)} MB for a 5 MB page` +
      (growthMb < STREAMED_GROWTH_MB
        ? ': the page streams, it is never buffered.'
        : ` (${fixed(passGrowthMb, 1)} MB passed through): the first byte does not wait for the ` +
          'page, but the rewritten page is held in part as it streams.'),
    ...(!rewriteMet
      ? [
          '',
          "Where the rewritten page's extra CPU goes (`npx tsx bench/profile/proxy.ts`: the same " +
            'worker in a bare workerd under a V8 profile, 2026-12-01): the HTMLRewriter parsing ' +
            'the whole page and building its three handlers per request; the body idle limit ' +
            '(`src/routes/proxy.ts`), whose JavaScript stream in front of the HTMLRewriter costs ' +
            'about 170 µs a page on its own (the worker spent about 790 µs per page with it and ' +
            '620 µs with the origin body handed over natively, four rounds each); and the prompt, ' +
            'notice and styles the page gains (about 6 KB), which the load generator and ' +
            "wrangler's proxy pay for too. Removing the idle limit would bring back pages that " +
            'hang when an origin goes silent mid-page, so it stays.',
        ]
      : []),
    ...(!returningMet
      ? [
          '',
          "Why the returning reader's page misses its goal against its floor on this machine: " +
            `upstash-local and redis-server share the same ${r.cpus} cores as the worker and the ` +
            `load generator (about ${fixed(Math.round(redisCpu / 10) * 10)} µs of CPU per request ` +
            'between them for the returning read), and the meter script is more Redis work than ' +
            `one GET; without the local Redis stand-ins in the CPU count it would be about ` +
            `${fixed(q.returningOverRedisFloor.byCpuWithoutRedis, 2)}×. In production the Redis ` +
            "round trip is network wait, not CPU on the worker's machine.",
        ]
      : []),
    ...(r.load.failures > 0
      ? ['', `**${count(r.load.failures)} load answers failed**: see \`bench/results/proxy.json\`.`]
      : []),
    '',
    ...goals(r.goals),
  ];
}

function clientSection(r: ClientBenchResult): string[] {
  const { site, jose, ours } = r.bundles;
  const kb = (bytes: number) => `${fixed(bytes / 1024, 1)} KB`;
  return [
    "## The client's bundle",
    '',
    `${measuredOn(r)}, esbuild ${r.esbuild}.`,
    '',
    `A site Worker using \`edge-paywall/client\` (\`${r.config.entry}\`), bundled by esbuild as ` +
      `wrangler would, minified, jose included: **${kb(site.gzip)} gzipped** (${count(site.gzip)} B; ` +
      `${fixed(site.gzip / r.config.goalGzipBytes, 2)}× the goal of ${kb(r.config.goalGzipBytes)}), ` +
      `of which the jose parts it uses are ${kb(jose.gzip)} on their own (${count(jose.gzip)} B) ` +
      `and ours ${kb(ours.gzip)} (${count(ours.gzip)} B).`,
    '',
    ...goals(r.goals),
  ];
}

function measuredOn(r: {
  date: string;
  node: string;
  cpus?: number;
  cpuModel?: string;
  code: { commit: string; srcDirty: boolean };
}): string {
  const machine = r.cpus === undefined ? '' : ` on ${r.cpus} CPUs (${r.cpuModel ?? 'unknown'})`;
  const dirty = r.code.srcDirty ? ' plus uncommitted `src/` changes' : '';
  return `Measured ${r.date.slice(0, 10)} at commit \`${r.code.commit}\`${dirty}${machine}, Node ${r.node}`;
}

function goals(list: Goal[]): string[] {
  return [
    '| goal | measured | verdict |',
    '| --- | --- | --- |',
    ...list.map((g) => `| ${cell(g.name)} | ${cell(g.value)} | ${g.pass ? 'PASS' : '**FAIL**'} |`),
    '',
  ];
}

/** Goal names hold `|` only by accident; never let one break the table. */
const cell = (text: string) => text.replace(/\|/g, '\\|');
const count = (n: number) => n.toLocaleString('en-US');
