import { machineBusyMs, processTree, readCmdline, readProc } from '../support/cpu';
import { median } from '../support/format';

/**
 * Who spent the CPU during one load run, per request, in µs. The processes are found once,
 * after start-up: wrangler dev runs two workerd processes, a proxy that owns the public
 * port (ProxyWorker) and the runtime that runs our worker; we tell them apart by the port
 * on the proxy's command line. redis-server is shared with other engineers' tests, so its
 * share also holds their traffic; `machine` is every core's busy time, ours or not.
 */
export const CPU_GROUPS = [
  'client',
  'upstash-local',
  'wrangler-node',
  'workerd-proxy',
  'workerd-worker',
  'redis-server',
] as const;
export type CpuGroup = (typeof CPU_GROUPS)[number];
export type CpuPerRequest = Record<CpuGroup, number> & {
  /** Machine busy time per request, µs, ours included. */
  machine: number;
  /** Average busy cores during the run (2.0 = a 2-core machine fully busy). */
  busyCores: number;
  /** Tracked processes that were gone by the end (e.g. wrangler restarted the worker). */
  lost: number;
};

export interface CpuMeter {
  /** Starts a reading; call the returned function right after the run, with its request count. */
  start(): (requests: number) => CpuPerRequest;
}

export function createCpuMeter(pids: {
  upstash: number;
  wrangler: number;
  redis: number | null;
  port: number;
}): CpuMeter {
  const wranglerTree = processTree(pids.wrangler);
  const workerd = wranglerTree.filter((p) => p.comm === 'workerd');
  const proxy = workerd.filter((p) => readCmdline(p.pid).includes(`127.0.0.1:${pids.port}`));
  const groups: Record<CpuGroup, number[]> = {
    client: [process.pid],
    'upstash-local': processTree(pids.upstash).map((p) => p.pid),
    'wrangler-node': wranglerTree.filter((p) => p.comm !== 'workerd').map((p) => p.pid),
    'workerd-proxy': proxy.map((p) => p.pid),
    'workerd-worker': workerd.filter((p) => !proxy.includes(p)).map((p) => p.pid),
    'redis-server': pids.redis === null ? [] : [pids.redis],
  };
  const cpuMs = (group: CpuGroup) =>
    groups[group].reduce((acc, pid) => acc + (readProc(pid)?.cpuMs ?? 0), 0);
  const read = () => ({
    at: Date.now(),
    machine: machineBusyMs(),
    groups: CPU_GROUPS.map(cpuMs),
  });
  return {
    start() {
      const before = read();
      return (requests) => {
        const after = read();
        const per = (ms: number) => (requests > 0 ? (ms * 1000) / requests : 0);
        const byGroup = Object.fromEntries(
          CPU_GROUPS.map((g, i) => [g, per((after.groups[i] ?? 0) - (before.groups[i] ?? 0))]),
        ) as Record<CpuGroup, number>;
        const lost = CPU_GROUPS.flatMap((g) => groups[g]).filter((pid) => !readProc(pid)).length;
        return {
          ...byGroup,
          lost,
          machine: per(after.machine - before.machine),
          busyCores: (after.machine - before.machine) / Math.max(1, after.at - before.at),
        };
      };
    },
  };
}

/** Medians of rounds per process group; `lost` (processes that vanished) is the worst round's. */
export function medianCpu(runs: CpuPerRequest[]): CpuPerRequest {
  const m = (pick: (c: CpuPerRequest) => number) => median(runs.map(pick));
  const groups = Object.fromEntries(CPU_GROUPS.map((g) => [g, m((c) => c[g])]));
  return {
    ...(groups as Record<CpuGroup, number>),
    machine: m((c) => c.machine),
    busyCores: m((c) => c.busyCores),
    lost: Math.max(...runs.map((c) => c.lost)),
  };
}
