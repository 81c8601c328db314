import { createServer } from 'node:http';
import { articlePage, pageInput } from '../../tools/demo-origin/article-page';
import { ARTICLES } from '../../tools/demo-origin/articles';
import { keepAliveLikeClients, listen } from '../../tools/lib/http-server';
import type { Cleanup } from '../support/cleanup';

/**
 * The origin for the traffic bench: the demo site's article page (tools/demo-origin, the
 * exact markup the proxy rewrites), served for any `/2026/11/traffic-<n>`, because the mix
 * needs hundreds of distinct articles and the demo site has seven. In the bench's own
 * process: the replay is a few thousand small pages, not a load test.
 */
const PATH = /^\/2026\/11\/traffic-(\d{1,6})$/;
const TEMPLATE = ARTICLES[0];

export async function startTrafficOrigin(cleanup: Cleanup): Promise<string> {
  if (!TEMPLATE) throw new Error('the demo origin has no article to copy');
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://origin').pathname;
    const rank = PATH.exec(path)?.[1];
    if (!rank) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const article = { ...TEMPLATE, slug: `traffic-${rank}`, path, headline: `Story ${rank}` };
    const body = Buffer.from([...articlePage(pageInput(article))].join(''));
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'public, max-age=60',
      'content-length': String(body.byteLength),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  keepAliveLikeClients(server);
  const { url } = await listen(server, 0, '127.0.0.1');
  cleanup.add('traffic origin', () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    return closed;
  });
  return url;
}
