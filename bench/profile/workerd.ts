import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CpuMeter, CpuPerRequest } from '../access/cpu-groups';
import { buildWorker } from '../bundle/build';
import { workerdConfig } from '../bundle/workerd-config';
import { startChild } from '../support/child';
import type { Cleanup } from '../support/cleanup';
import { readProc } from '../support/cpu';
import { freePort, waitForHttp } from '../support/net';
import { benchTempDir, ROOT } from '../support/wrangler';
import { type CpuProfile, moduleMap, selfTime, table } from './analyse';
import { type CdpSession, openCdp } from './cdp';
import { byConcern } from './concerns';

const WORKERD = resolve(ROOT, 'node_modules/workerd/bin/workerd');

export interface ProfiledWorkerd {
  url: string;
  pid: number;
  cdp: CdpSession;
  /** The unminified bundle, for naming the profile's frames. */
  bundleText: string;
}

/**
 * Bundles `entry` unminified, runs it in a bare workerd with its inspector on (bindings as
 * given, the local network allowed), waits for `readyPath`, and opens a CDP session with the
 * profiler enabled. The bundle is also written to `bundleCopy`, for re-analysis.
 */
export async function startProfiledWorkerd(
  cleanup: Cleanup,
  opts: {
    entry: string;
    text: Record<string, string>;
    json: Record<string, unknown>;
    readyPath: string;
    samplingUs: number;
    bundleCopy: string;
  },
): Promise<ProfiledWorkerd> {
  const tmp = await benchTempDir(cleanup);
  const built = await buildWorker(resolve(ROOT, opts.entry), tmp, 'off');
  await copyFile(built.path, join(tmp, 'worker.js'));
  const bundleText = await readFile(built.path, 'utf8');
  await writeFile(opts.bundleCopy, bundleText);
  const config = join(tmp, 'profile.capnp');
  await writeFile(
    config,
    withLocalNetwork(workerdConfig({ bundleFile: 'worker.js', text: opts.text, json: opts.json })),
  );
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const workerd = startChild('workerd', WORKERD, [
    'serve',
    config,
    '--socket-addr',
    `http=127.0.0.1:${port}`,
    `--inspector-addr=127.0.0.1:${inspectorPort}`,
  ]);
  cleanup.add('workerd', () => workerd.stop(2_000));
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}${opts.readyPath}`, {
    timeoutMs: 60_000,
    describe: workerd.recentOutput,
    aborted: workerd.exited,
  });
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const target = targets[0];
  if (!target) throw new Error('workerd lists no inspector target');
  const cdp = await openCdp(target.webSocketDebuggerUrl);
  cleanup.add('cdp', async () => cdp.close());
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: opts.samplingUs });
  return { url, pid: workerd.proc.pid ?? 0, cdp, bundleText };
}

/** Takes a profile over `run`, writes it to `file`, and returns it with what `run` returned. */
export async function profiled<T>(
  cdp: CdpSession,
  file: string,
  run: () => Promise<T>,
): Promise<{ profile: CpuProfile; result: T }> {
  await cdp.send('Profiler.start');
  const result = await run();
  const { profile } = await cdp.send<{ profile: CpuProfile }>('Profiler.stop');
  await writeFile(file, JSON.stringify(profile));
  return { profile, result };
}

/** The profile's tables: by concern, by module, by innermost src/ function, by function. */
export function printProfile(profile: CpuProfile, bundleText: string, requests: number): void {
  const modules = moduleMap(bundleText);
  const self = selfTime(profile, modules, 'worker.js');
  console.log('-- by concern (what is on the stack; see concerns.ts)');
  console.log(table(byConcern(profile, modules), self.totalUs, requests, 20).join('\n'));
  console.log('-- self time by module');
  console.log(table(self.byModule, self.totalUs, requests, 25).join('\n'));
  console.log('-- time by innermost src/ function on the stack (library callees included)');
  console.log(table(self.byOwnCaller, self.totalUs, requests, 30).join('\n'));
  console.log('-- self time by function');
  console.log(table(self.byFunction, self.totalUs, requests, 40).join('\n'));
}

/** JS samples per request in `profile`, in µs. */
export function jsUsPerRequest(profile: CpuProfile, bundleText: string, requests: number): number {
  return selfTime(profile, moduleMap(bundleText), 'worker.js').totalUs / requests;
}

/**
 * A bare workerd's default outbound refuses private addresses; upstash-local is on
 * 127.0.0.1, so the worker gets a network service that allows them.
 */
function withLocalNetwork(config: string): string {
  const services = 'services = [ (name = "main", worker = .worker) ],';
  const worker = 'const worker :Workerd.Worker = (';
  if (!config.includes(services) || !config.includes(worker)) {
    throw new Error('bench/bundle/workerd-config.ts changed: update withLocalNetwork');
  }
  return config
    .replace(
      services,
      'services = [ (name = "main", worker = .worker), (name = "net", network = (allow = ["public", "private", "local"])) ],',
    )
    .replace(worker, `${worker}\n  globalOutbound = "net",`);
}

/** workerd's CPU per request from /proc, in the access bench's shape (other groups 0). */
export function workerdCpu(pid: number): CpuMeter {
  return {
    start() {
      const before = readProc(pid)?.cpuMs ?? 0;
      return (requests) => {
        const after = readProc(pid)?.cpuMs ?? 0;
        const us = requests > 0 ? ((after - before) * 1000) / requests : 0;
        return { 'workerd-worker': us } as CpuPerRequest;
      };
    },
  };
}
