import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabaseUrl, testDialects } from '../helpers/database.ts';
import { createClientWithCli } from '../helpers/cli-client.ts';
import { freePort, startTestServer } from '../helpers/server.ts';

const BIN = fileURLToPath(new URL('../../bin/consentry.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'consentry-shutdown-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Resolves when `check` holds, polling; fails after `withinMs` (the moment depends on the other process). */
async function eventually(check: () => boolean | Promise<boolean>, withinMs: number): Promise<void> {
  const until = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`the condition did not hold within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(testDialects())('shutting down with work in progress (%s)', (dialect) => {
  /** Two nodes, one after the other, on one database: the second picks up what the first gave back. */
  async function nodesOnOneDatabase() {
    const database =
      dialect === 'sqlite'
        ? { url: `sqlite:${join(dir, `jobs-${Date.now()}.db`)}`, drop: async () => {} }
        : await freshDatabaseUrl('postgres');
    return {
      url: database.url,
      drop: database.drop,
      start: (graceMs: number) =>
        startTestServer({ databaseUrl: database.url, env: { SHUTDOWN_GRACE_MS: String(graceMs), JOBS_POLL_MS: '50' } }),
    };
  }

  it('gives a job still running after the grace period back to the queue, and another node runs it', async () => {
    const nodes = await nodesOnOneDatabase();
    try {
      const first = await nodes.start(200);
      let started = false;
      let finishFirstRun: () => void = () => {};
      first.kernel.jobs.handle('test.slow', async () => {
        started = true;
        await new Promise<void>((resolve) => (finishFirstRun = resolve));
      });
      const id = await first.kernel.jobs.enqueue('test.slow', { n: 1 });
      await eventually(() => started, 10_000);
      const db = first.kernel.database.db;
      const before = await db.selectFrom('jobs').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
      expect(before.status).toBe('running');

      // The handler never finishes by itself: close must still end, and the job must not be lost.
      await first.close();
      finishFirstRun(); // its late end writes nothing: the job is not its own any more

      const second = await nodes.start(10_000);
      try {
        const row = await second.kernel.database.db
          .selectFrom('jobs')
          .selectAll()
          .where('id', '=', id!)
          .executeTakeFirstOrThrow();
        expect(row.status).toBe('pending');
        expect(row.attempts).toBe(1); // the interrupted run, which the next claim follows
        expect(row.locked_until).toBeNull();
        const ran: number[] = [];
        second.kernel.jobs.handle<{ n: number }>('test.slow', async (payload, job) => {
          ran.push(job.attempt);
          expect(payload.n).toBe(1);
        });
        await eventually(async () => {
          const done = await second.kernel.database.db
            .selectFrom('jobs')
            .select('status')
            .where('id', '=', id!)
            .executeTakeFirstOrThrow();
          return done.status === 'done';
        }, 10_000);
        expect(ran).toEqual([2]);
      } finally {
        await second.close();
      }
    } finally {
      await nodes.drop();
    }
  }, 60_000);

  it('lets a job finish within the grace period and records it done', async () => {
    const nodes = await nodesOnOneDatabase();
    try {
      const node = await nodes.start(10_000);
      let started = false;
      let finish: () => void = () => {};
      node.kernel.jobs.handle('test.short', async () => {
        started = true;
        await new Promise<void>((resolve) => (finish = resolve));
      });
      const id = await node.kernel.jobs.enqueue('test.short', {});
      await eventually(() => started, 10_000);
      const closing = node.app.close();
      // Closing has begun and waits for the job: it ends now, well within the grace period.
      finish();
      await closing;
      const reopened = await nodes.start(10_000);
      try {
        const row = await reopened.kernel.database.db
          .selectFrom('jobs')
          .selectAll()
          .where('id', '=', id!)
          .executeTakeFirstOrThrow();
        expect(row.status).toBe('done');
      } finally {
        await reopened.close();
      }
    } finally {
      await nodes.drop();
    }
  }, 60_000);
});

describe('a node receiving SIGTERM', () => {
  it('finishes a request in progress with 200, refuses new connections, and exits 0', async () => {
    const port = await freePort();
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: `sqlite:${join(dir, 'sigterm.db')}`,
      DATA_DIR: dir,
      SECRET_KEY: 'dGVzdC1zZWNyZXQta2V5LXRoYXQtaXMtMzItYnl0ZXMhIQ',
      // debug: Fastify logs each request as it arrives, which tells when the slow one is in.
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      JANITOR_INTERVAL_SECONDS: '0',
    };
    const client = await createClientWithCli('Drain', env);

    const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    try {
      await eventually(() => output.includes('Consentry is serving'), 30_000);

      // A token request whose body arrives in two parts: the server has it in progress meanwhile.
      const body = `grant_type=client_credentials&scope=read%3Abookings`;
      const basic = Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64');
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      socket.write(
        `POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Basic ${basic}\r\n` +
          `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
      );
      await eventually(() => output.includes('incoming request'), 10_000);

      child.kill('SIGTERM');
      await eventually(() => output.includes('shutting down'), 10_000);
      await eventually(() => refused(port), 10_000);

      // The rest of the body (not ending the socket: a client's half-close aborts its request).
      socket.write(body.slice(10));
      await eventually(() => answer.includes('}'), 10_000);
      socket.destroy();
      expect(answer, output).toMatch(/^HTTP\/1\.1 200 /);
      expect(answer).toContain('"access_token"');
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
});

/** True when a new connection to the port is refused (nothing listens there any more). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(port, '127.0.0.1');
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
