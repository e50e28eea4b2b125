import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsentryNode } from './support/consentry-node.ts';
import { Deployment, REVOCATION_CACHE_MS } from './support/deployment.ts';
import { Scenarios } from './support/scenario.ts';
import { waitFor } from './support/wait-for.ts';

const PEOPLE = 3;

/**
 * Three Consentry nodes on one PostgreSQL and one Redis, under mixed load, while the suite kills
 * a node, restarts PostgreSQL and takes Redis away. After each fault, with the load stopped, it
 * checks that nothing a node answered was lost or done twice.
 */
describe('three nodes on PostgreSQL and Redis, under load', () => {
  const deployment = new Deployment({
    database: 'postgres',
    nodes: 3,
    redis: true,
    wallets: PEOPLE,
    esploraDelayMs: 400,
  });
  const scenarios = new Scenarios(deployment);
  const first = () => deployment.nodes[0]!;
  const second = () => deployment.nodes[1]!;
  const third = () => deployment.nodes[2]!;

  beforeAll(() => scenarios.setUp(PEOPLE), 120_000);
  afterAll(() => scenarios.tearDown());

  const readiness = () =>
    Promise.all(
      deployment.nodes.map(async (node) => (await fetch(`${node.url}/readyz`).catch(() => undefined))?.status ?? 0),
    );

  it('kill -9 of a node in the middle of a sync: nothing answered is lost or done twice, the sync resumes elsewhere', async () => {
    const tally = scenarios.begin('node kill -9');
    await scenarios.answers(300);
    const victim = second();
    let wallet: string | undefined;
    await waitFor(
      `${victim.name} to be in the middle of a sync`,
      30_000,
      () => !!(wallet = deployment.gate.syncing(victim.name)),
    );
    const killedAt = Date.now();
    await victim.kill();
    await scenarios.answers(200);
    await victim.start();
    tally.faults.push(`kill -9 ${victim.name} during a sync; restarted, serving after ${Date.now() - killedAt} ms`);
    await scenarios.answers(200);
    await scenarios.finish(tally);
    // The interrupted sync was taken over by another node once its lease ran out, and finished.
    expect(deployment.gate.reads.some((r) => r.address === wallet && r.node !== victim.name && r.at > killedAt)).toBe(
      true,
    );
    const resumed = await deployment.query(
      "select id from jobs where name = 'portfolio.sync' and status = 'done' and attempts > 1",
    );
    expect(resumed.length).toBeGreaterThan(0);
  });

  it('PostgreSQL restarts under load: 503 with Retry-After meanwhile (never a 500), /readyz follows, nodes reconnect by themselves', async () => {
    const tally = scenarios.begin('PostgreSQL restart');
    await scenarios.answers(200);
    await deployment.postgres!.stop();
    tally.faults.push('PostgreSQL stopped under load (pg_ctl stop -m fast), then started');
    await waitFor('every node to answer /readyz 503', 10_000, async () => (await readiness()).every((s) => s === 503));
    const refused = tally.statuses['503'] ?? 0;
    await waitFor(
      '100 requests answered 503 while the database is down',
      30_000,
      () => (tally.statuses['503'] ?? 0) >= refused + 100,
    );
    await deployment.postgres!.start();
    await waitFor('every node to answer /readyz 200', 20_000, async () => (await readiness()).every((s) => s === 200));
    await scenarios.answers(300);
    await scenarios.finish(tally);
  });

  it('Redis goes away and comes back: revocations within REVOCATION_CACHE_MS, per-node rate limits, then Redis again', async () => {
    const tally = scenarios.begin('Redis outage');
    await scenarios.answers(100);
    await deployment.redis!.kill();
    tally.faults.push('redis-server killed (SIGKILL) under load, then started');
    // Without Redis another node learns of a revocation when its cache entry expires.
    expect(await revocationDelay(first(), third())).toBeLessThanOrEqual(REVOCATION_CACHE_MS + 1000);
    const { atFirst, atOther } = await rateLimitsRemaining();
    expect(atFirst).toBe(atOther - 1); // each node counted its own: two there, one here
    await scenarios.answers(200);

    await deployment.redis!.start();
    const listener = new Redis(deployment.redis!.url);
    const heard: string[] = [];
    await listener.psubscribe('consentry:revoked:*');
    listener.on('pmessage', (_pattern: string, _channel: string, key: string) => heard.push(key));
    try {
      // Back on Redis: a revocation reaches another node at once, far inside its cache's lifetime.
      await waitFor(
        'a revocation to travel through Redis again',
        30_000,
        async () => (await revocationDelay(second(), first())) < 1000,
      );
      expect(heard.length).toBeGreaterThan(0);
      await waitFor('rate limits to be shared again', 30_000, async () => {
        const { atFirst, atOther } = await rateLimitsRemaining();
        return atOther === atFirst - 1;
      });
    } finally {
      listener.disconnect();
    }
    await scenarios.answers(200);
    await scenarios.finish(tally);
  });

  /** Milliseconds until `to` refuses an access token revoked at `from`, after `to` cached it as valid. */
  async function revocationDelay(from: ConsentryNode, to: ConsentryNode): Promise<number> {
    const { load, traffic, client } = scenarios;
    const probe = (await load.exchangeCode(load.people[0], 'portfolio', false))!;
    const read = async () =>
      (await traffic.send(to, '/platform/v2/assets', { headers: { authorization: `Bearer ${probe.access}` } }))?.status;
    expect(await read()).toBe(200);
    const revoked = await traffic.send(from, '/oauth/revoke', {
      form: { token: probe.access },
      headers: { authorization: client.auth },
    });
    expect(revoked?.status).toBe(200);
    const revokedAt = Date.now();
    await waitFor(
      `${to.name} to refuse the revoked token`,
      REVOCATION_CACHE_MS + 5000,
      async () => (await read()) === 401,
    );
    return Date.now() - revokedAt;
  }

  /** X-RateLimit-Remaining for one new token after two requests at the first node, then one at another. */
  async function rateLimitsRemaining(): Promise<{ atFirst: number; atOther: number }> {
    const { load, traffic } = scenarios;
    const probe = (await load.exchangeCode(load.people[0], 'scheduling', false))!;
    const me = async (node: ConsentryNode) => {
      const answer = await traffic.send(node, '/api/v2/me', { headers: { authorization: `Bearer ${probe.access}` } });
      expect(answer?.status).toBe(200);
      return Number(answer!.headers.get('x-ratelimit-remaining'));
    };
    await me(first());
    const atFirst = await me(first());
    return { atFirst, atOther: await me(second()) };
  }
});
