import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { startChild } from '../support/child';
import type { Cleanup } from '../support/cleanup';
import { freePort, sleep } from '../support/net';
import { ROOT } from '../support/wrangler';
import { runCpuMs } from './run-cpu';
import { workerdConfig } from './workerd-config';

/** The workerd that wrangler dev and Miniflare run (the `workerd` package wrangler pins). */
const WORKERD = resolve(ROOT, 'node_modules/workerd/bin/workerd');
/** How often a starting workerd is asked whether it listens yet. */
const POLL_MS = 2;

export interface StartupVariant {
  name: string;
  bundle: string;
  /** A path that answers without any network call, and what its body must contain. */
  path: string;
  expect: string;
}

/** One cold start: from spawning workerd to its listening, then to the first answer. */
export interface StartupSample {
  variant: string;
  round: number;
  /** Wall time from spawn until the port accepts a connection, ms. */
  listenMs: number;
  /** CPU workerd spent by then (all threads, from /proc schedstat), ms. */
  listenCpuMs: number;
  /** Wall time from spawn until the first response's body has arrived, ms. */
  firstResponseMs: number;
  /** CPU workerd spent by then, ms. */
  firstResponseCpuMs: number;
}

/**
 * Starts each variant cold in its own workerd, `rounds` times, interleaved (every variant
 * once per round, so a busy spell of a shared machine lands on all of them alike). workerd
 * compiles the worker and runs its global scope before it opens its socket, so the CPU it
 * has spent when it first accepts a connection is the start of the process plus the
 * worker's startup; the floor variant (an empty worker) shows the first part alone.
 */
export async function measureStartup(
  cleanup: Cleanup,
  dir: string,
  variants: StartupVariant[],
  env: { text: Record<string, string>; json: Record<string, unknown> },
  rounds: number,
): Promise<StartupSample[]> {
  await mkdir(dir, { recursive: true });
  const configs = new Map<string, string>();
  for (const v of variants) {
    await copyFile(v.bundle, join(dir, `${v.name}.js`));
    const config = join(dir, `${v.name}.capnp`);
    await writeFile(config, workerdConfig({ bundleFile: `${v.name}.js`, ...env }));
    configs.set(v.name, config);
  }
  const samples: StartupSample[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const v of variants) {
      samples.push({
        variant: v.name,
        round,
        ...(await coldStart(cleanup, configs.get(v.name) ?? '', v)),
      });
    }
  }
  return samples;
}

async function coldStart(
  cleanup: Cleanup,
  config: string,
  v: StartupVariant,
): Promise<Omit<StartupSample, 'variant' | 'round'>> {
  const port = await freePort();
  const started = performance.now();
  const child = startChild(`workerd (${v.name})`, WORKERD, [
    'serve',
    config,
    '--socket-addr',
    `http=127.0.0.1:${port}`,
  ]);
  cleanup.add(`workerd (${v.name})`, () => child.stop(2_000));
  const pid = child.proc.pid ?? 0;
  try {
    while (!(await accepts(port))) {
      const ended = child.exited();
      if (ended) throw new Error(`${ended}\n${child.recentOutput()}`);
      await sleep(POLL_MS);
    }
    const listenMs = performance.now() - started;
    const listenCpuMs = runCpuMs(pid);
    const response = await fetch(`http://127.0.0.1:${port}${v.path}`);
    const body = await response.text();
    const firstResponseMs = performance.now() - started;
    const firstResponseCpuMs = runCpuMs(pid);
    if (response.status !== 200 || !body.includes(v.expect)) {
      throw new Error(
        `${v.name}: GET ${v.path} answered ${response.status}: ${body.slice(0, 300)}`,
      );
    }
    return { listenMs, listenCpuMs, firstResponseMs, firstResponseCpuMs };
  } finally {
    await child.stop(2_000);
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}
