import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCredentialsToken, createClientWithCli } from '../helpers/cli-client.ts';
import { freePort } from '../helpers/server.ts';
import { ConsentryNode } from './support/consentry-node.ts';
import { PostgresCluster } from './support/postgres-cluster.ts';
import { countAnswer, newTally, saveTally } from './support/tally.ts';
import { waitFor } from './support/wait-for.ts';

/**
 * Issue #15: a node started while its PostgreSQL is stopped starts anyway. It answers /healthz,
 * is not ready, answers 503 with Retry-After (the token endpoint: temporarily_unavailable) and
 * never a 500; once `pg_ctl start` runs it migrates the empty database and serves on the same
 * port, without a restart. A node stopped while it waits exits 0.
 */
describe('a node started while its PostgreSQL is stopped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'consentry-faults-start-'));
  let postgres: PostgresCluster;
  let databaseUrl = '';
  const nodes: ConsentryNode[] = [];

  beforeAll(async () => {
    postgres = await PostgresCluster.create();
    await postgres.start();
    databaseUrl = await postgres.createDatabase('consentry');
    await postgres.stop();
  });
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await postgres?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  async function newNode(name: string): Promise<ConsentryNode> {
    const port = await freePort();
    const node = new ConsentryNode(name, port, env(`http://127.0.0.1:${port}`), join(dir, `${name}.log`));
    nodes.push(node);
    return node;
  }

  function env(issuer: string): Record<string, string> {
    return {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      ISSUER: issuer,
      DATABASE_URL: databaseUrl,
      SECRET_KEY: 'ZmF1bHQtc3VpdGUtc2VjcmV0LWtleS0zMi1ieXRlcyE',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      JANITOR_INTERVAL_SECONDS: '0',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_STATEMENT_TIMEOUT_MS: '3000',
    };
  }

  it('answers alive and 503 while it waits, then migrates and serves once PostgreSQL starts', async () => {
    const tally = newTally('PostgreSQL down at start');
    const node = await newNode('node-1');
    await node.start('alive');
    tally.faults.push('a node started with PostgreSQL stopped; a second one stopped (SIGTERM) while waiting');

    expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
    await waitFor('a warning naming the refused connection', 30_000, () =>
      readFileSync(join(dir, 'node-1.log'), 'utf8').includes('ECONNREFUSED'),
    );
    const readiness = await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(1000) });
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toEqual({ status: 'unavailable' });

    // Token requests all along, from "starting" to "serving": 503 with Retry-After, then the app's 401.
    let asking = true;
    const asked = (async () => {
      while (asking) {
        const answer = await fetch(`${node.url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
        }).catch(() => undefined);
        countAnswer(tally, answer?.status ?? 'no answer');
        const body = (await answer?.json().catch(() => undefined)) as { error?: string } | undefined;
        const waiting = answer?.status === 503 && answer.headers.get('retry-after') === '5';
        if (!(waiting && body?.error === 'temporarily_unavailable') && answer?.status !== 401)
          tally.unexpected.push(`POST /oauth/token answered ${answer?.status ?? 'nothing'}: ${JSON.stringify(body)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const second = await newNode('node-2');
    await second.start('alive');
    expect(await second.stop()).toBe(0);

    await waitFor('a few 503s while waiting', 10_000, () => (tally.statuses['503'] ?? 0) >= 10);
    const startedAt = Date.now();
    await postgres.start();
    await waitFor('/readyz 200 after PostgreSQL started', 30_000, async () => {
      return (await fetch(`${node.url}/readyz`).catch(() => undefined))?.status === 200;
    });
    tally.faults.push(`PostgreSQL started; node-1 ready ${Date.now() - startedAt} ms later, same process and port`);
    await waitFor('the app to answer a token request', 10_000, () => (tally.statuses['401'] ?? 0) > 0);
    asking = false;
    await asked;

    // Migrated by the node itself: a client made now gets a token from it.
    const client = await createClientWithCli('Late', {
      PATH: process.env.PATH ?? '',
      ...env(node.url),
      LOG_LEVEL: 'error',
    });
    const token = await clientCredentialsToken(node.url, client);
    countAnswer(tally, token.status);
    expect(token.status).toBe(200);
    expect(((await token.json()) as { access_token?: string }).access_token).toMatch(/^eyJ/);

    expect(await node.stop()).toBe(0);
    tally.seconds = (Date.now() - tally.startedAt) / 1000;
    saveTally(tally);
    expect(tally.unexpected).toEqual([]);
    expect(tally.statuses['no answer'] ?? 0).toBe(0);
    expect(node.crashes).toEqual([]);
  });
});
