import { processTree, readCmdline } from './cpu';

/**
 * wrangler dev runs two workerd processes: a proxy that owns the public port (wrangler's
 * ProxyWorker) and the runtime that runs our worker. They are told apart by the port on the
 * proxy's command line.
 */
export function workerdPids(wranglerPid: number, port: number): { proxy: number; worker: number } {
  const workerd = processTree(wranglerPid).filter((p) => p.comm === 'workerd');
  const isProxy = (pid: number) => readCmdline(pid).includes(`127.0.0.1:${port}`);
  const proxy = workerd.find((p) => isProxy(p.pid));
  const worker = workerd.find((p) => !isProxy(p.pid));
  if (!proxy || !worker) {
    throw new Error(`expected two workerd processes under wrangler (pid ${wranglerPid})`);
  }
  return { proxy: proxy.pid, worker: worker.pid };
}
