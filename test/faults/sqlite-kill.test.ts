import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployment } from './support/deployment.ts';
import { Scenarios } from './support/scenario.ts';
import { waitFor } from './support/wait-for.ts';

const KILLS = 3;

/**
 * One node on a SQLite file under write load — code exchanges and refreshes (the token
 * endpoint's group commits), bookings, syncs — killed with -9 while requests are in flight.
 * After each kill the file passes `PRAGMA integrity_check`; at the end every commit a node
 * answered (tokens issued, bookings 201) is there.
 */
describe('one node on SQLite, killed during group commits', () => {
  const deployment = new Deployment({ database: 'sqlite', nodes: 1, redis: false, wallets: 1, esploraDelayMs: 100 });
  const scenarios = new Scenarios(deployment);

  beforeAll(() => scenarios.setUp(1), 120_000);
  afterAll(() => scenarios.tearDown());

  const integrity = () => {
    deployment.closeDatabaseHandle();
    const file = new Sqlite(deployment.databaseUrl.slice('sqlite:'.length));
    try {
      return file.pragma('integrity_check', { simple: true });
    } finally {
      file.close();
    }
  };

  it(`survives ${KILLS} kill -9s in the middle of commits: the file is intact and every answered commit is in it`, async () => {
    const tally = scenarios.begin('SQLite kill -9');
    const node = deployment.nodes[0]!;
    for (let kill = 1; kill <= KILLS; kill++) {
      await scenarios.answers(250);
      await waitFor('requests in flight', 10_000, () => scenarios.traffic.inFlight >= 3);
      const inFlight = scenarios.traffic.inFlight;
      const killedAt = Date.now();
      await node.kill();
      expect(integrity()).toBe('ok');
      await node.start();
      tally.faults.push(
        `kill -9 with ${inFlight} requests in flight (${kill} of ${KILLS}); serving again after ${Date.now() - killedAt} ms`,
      );
    }
    await scenarios.answers(250);
    await scenarios.finish(tally);
    expect(integrity()).toBe('ok');
  });
});
