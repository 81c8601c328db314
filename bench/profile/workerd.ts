import type { CpuMeter, CpuPerRequest } from '../access/cpu-groups';
import { readProc } from '../support/cpu';

/**
 * A bare workerd's default outbound refuses private addresses; upstash-local is on
 * 127.0.0.1, so the worker gets a network service that allows them.
 */
export function withLocalNetwork(config: string): string {
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
