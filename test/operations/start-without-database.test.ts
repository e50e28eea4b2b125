import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabaseUrl } from '../helpers/database.ts';
import { clientCredentialsToken, createClientWithCli } from '../helpers/cli-client.ts';
import { freePort } from '../helpers/server.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';

const BIN = fileURLToPath(new URL('../../bin/consentry.js', import.meta.url));
const databaseUrl = process.env.TEST_DATABASE_URL;

/** Resolves when `check` holds, polling; fails after `withinMs` (the moment depends on the other process). */
async function eventually(what: string, withinMs: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const until = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`waited ${withinMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `consentry start` in its own process, its JSON log kept. */
class StartedNode {
  readonly url: string;
  readonly port: number;
  private readonly child: ChildProcess;
  private readonly exit: Promise<unknown[]>;
  output = '';

  constructor(port: number, env: Record<string, string>) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.child = spawn(process.execPath, [BIN, 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        SECRET_KEY: 'dGVzdC1zZWNyZXQta2V5LXRoYXQtaXMtMzItYnl0ZXMhIQ',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
        JANITOR_INTERVAL_SECONDS: '0',
        DATABASE_CONNECT_TIMEOUT_MS: '500',
        DATABASE_STATEMENT_TIMEOUT_MS: '1000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exit = once(this.child, 'exit');
  }

  /** The log's warnings about the database, one per failed attempt. */
  get waitWarnings(): Array<Record<string, unknown>> {
    return this.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.level === 40 && typeof entry.reason === 'string');
  }

  async status(path: string): Promise<number> {
    return (await fetch(`${this.url}${path}`).catch(() => undefined))?.status ?? 0;
  }

  /** The exit code (null when a signal ended it). */
  async exited(): Promise<number | null> {
    return (await this.exit)[0] as number | null;
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited();
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** GET /healthz on a connection of its own (fetch would reuse a kept-alive one); 0 when refused. */
function healthOnNewConnection(port: number): Promise<number> {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
  });
}

const nodes: StartedNode[] = [];
afterAll(() => nodes.forEach((node) => node.kill()));

function startNode(port: number, env: Record<string, string>): StartedNode {
  const node = new StartedNode(port, env);
  nodes.push(node);
  return node;
}

/**
 * `consentry start` while PostgreSQL cannot be reached (issue #15): the node listens at once,
 * is alive but not ready, answers 503 with Retry-After, retries with a capped backoff, and serves
 * on the same port once the database answers. A real error (no such database) still ends it.
 */
describe('a node started while PostgreSQL cannot be reached', () => {
  it('answers alive, not ready, and 503 with Retry-After in each client’s shape; SIGTERM exits 0', async () => {
    const closed = await freePort();
    const node = startNode(await freePort(), { DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/consentry` });
    await eventually('/healthz 200', 30_000, async () => (await node.status('/healthz')) === 200);
    // Once it waits (its modules loaded, the first attempt refused), every answer is immediate.
    await eventually('a first failed attempt', 30_000, () => node.waitWarnings.length > 0);

    const ready = await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(1000) });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable' });

    const token = await fetch(`${node.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(token.status).toBe(503);
    expect(token.headers.get('retry-after')).toBe('5');
    expect(token.headers.get('cache-control')).toBe('no-store');
    expect(await token.json()).toMatchObject({
      error: 'temporarily_unavailable',
      error_description: expect.any(String),
    });

    const page = await fetch(`${node.url}/account`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(page.headers.get('retry-after')).toBe('5');
    expect(await page.text()).toMatch(/starting/);

    const api = await fetch(`${node.url}/api/v2/me`, { headers: { accept: 'application/json' } });
    expect(api.status).toBe(503);
    expect(api.headers.get('retry-after')).toBe('5');
    expect(await api.json()).toMatchObject({ error: 'temporarily_unavailable' });

    // One warning per attempt, with the reason and not a stack, the waits doubling.
    await eventually('three failed attempts', 15_000, () => node.waitWarnings.length >= 3);
    const warnings = node.waitWarnings.slice(0, 3);
    expect(warnings.map((w) => w.retryInMs)).toEqual([500, 1000, 2000]);
    for (const warning of warnings) {
      expect(warning.reason).toMatch(/ECONNREFUSED/);
      expect(warning.database).toBe(`127.0.0.1:${closed}/consentry`);
      expect(warning).not.toHaveProperty('err');
    }

    expect(await node.stop()).toBe(0);
  }, 60_000);

  describe.runIf(Boolean(databaseUrl))('and then can', () => {
    const target = new URL(databaseUrl ?? 'postgres://127.0.0.1:5432');
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    const drops: Array<() => Promise<void>> = [];
    afterAll(async () => {
      await proxy.close();
      for (const drop of drops) await drop();
    });

    it('waits while it refuses and while it never answers, then migrates and serves on the same port', async () => {
      const database = await freshDatabaseUrl('postgres');
      drops.push(database.drop);
      // Nothing listens at the proxy's port yet: connections are refused.
      const proxyPort = await freePort();
      const throughProxy = new URL(database.url);
      throughProxy.hostname = '127.0.0.1';
      throughProxy.port = String(proxyPort);
      const node = startNode(await freePort(), { DATABASE_URL: throughProxy.toString() });
      await eventually('/healthz 200', 30_000, async () => (await node.status('/healthz')) === 200);
      await eventually('a refused attempt', 15_000, () =>
        node.waitWarnings.some((w) => /ECONNREFUSED/.test(String(w.reason))),
      );

      // A database that accepts connections and never answers: attempts time out, nothing hangs.
      proxy.freeze();
      await proxy.start(proxyPort);
      await eventually('a timed-out attempt', 15_000, () =>
        node.waitWarnings.some((w) => /timeout/i.test(String(w.reason))),
      );
      expect((await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(1000) })).status).toBe(503);

      // From now on the port is polled, a new connection each time: the handover must refuse none.
      let refusals = 0;
      let polls = 0;
      let polling = true;
      const poll = (async () => {
        while (polling) {
          polls++;
          if ((await healthOnNewConnection(node.port)) !== 200) refusals++;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      proxy.restore();
      await eventually('/readyz 200', 30_000, async () => (await node.status('/readyz')) === 200);
      polling = false;
      await poll;
      expect(polls).toBeGreaterThan(10);
      expect(refusals).toBe(0);
      expect(node.output).toContain('the database answers: starting');
      expect(node.output).toContain('Consentry is serving');

      // Migrated and serving: a client made now gets a real token from this node.
      const client = await createClientWithCli('Late', {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        DATABASE_URL: database.url,
        SECRET_KEY: 'dGVzdC1zZWNyZXQta2V5LXRoYXQtaXMtMzItYnl0ZXMhIQ',
        LOG_LEVEL: 'error',
      });
      const token = await clientCredentialsToken(node.url, client);
      expect(token.status).toBe(200);
      expect((await token.json()) as { access_token?: string }).toHaveProperty('access_token');
      expect(await node.stop()).toBe(0);
    }, 90_000);

    it('still stops at a real error: a database that does not exist ends the start with exit code 1', async () => {
      const missing = new URL(databaseUrl!);
      missing.pathname = '/consentry_no_such_database';
      const node = startNode(await freePort(), { DATABASE_URL: missing.toString() });
      expect(await node.exited()).toBe(1);
      expect(node.output).toContain('Consentry cannot start: database "consentry_no_such_database" does not exist');
      expect(node.waitWarnings).toEqual([]);
    }, 60_000);
  });
});
