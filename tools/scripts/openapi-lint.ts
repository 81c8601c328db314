/**
 * `npm run lint:openapi`: builds the OpenAPI document from the app itself (createApp, in
 * Node, no server, no network) and lints it with Redocly's recommended rules (redocly.yaml).
 * Part of `npm run check`: the served document is this one, byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp } from '../../src/app';
import { OPENAPI_PATH } from '../../src/routes/docs';
import type { Services } from '../../src/services';

const ROOT = resolve(import.meta.dirname, '../..');

async function main(): Promise<number> {
  // The document needs no service: generating it never touches Redis, Stripe or config.
  const response = await createApp({} as Services).request(OPENAPI_PATH);
  if (response.status !== 200) {
    console.error(`${OPENAPI_PATH} answered ${response.status}: ${await response.text()}`);
    return 1;
  }
  const dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, await response.text());
    const lint = spawnSync(
      join(ROOT, 'node_modules/.bin/redocly'),
      ['lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'stylish'],
      {
        stdio: 'inherit', // Offline: no telemetry and no update check.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    );
    return lint.status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
