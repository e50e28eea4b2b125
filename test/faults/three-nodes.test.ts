import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEverything } from './support/checks.ts';
import { Deployment } from './support/deployment.ts';
import { Load } from './support/load.ts';
import { createFaultClient, type FaultClient } from './support/people.ts';
import { addPerson } from './support/setup.ts';
import { newTally, saveTally, type Tally } from './support/tally.ts';
import { Traffic } from './support/traffic.ts';
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
  let traffic: Traffic;
  let load: Load;
  let client: FaultClient;
  let scenarioStarted = 0;

  beforeAll(async () => {
    await deployment.start();
    client = await createFaultClient(deployment);
    traffic = new Traffic(newTally('setup'), deployment.nodes);
    load = new Load(deployment, traffic, client, []);
    for (let i = 0; i < PEOPLE; i++) await addPerson(deployment, load, i);
    expect(traffic.tally.unexpected).toEqual([]);
  }, 120_000);
  afterAll(async () => {
    await load?.stop();
    await deployment.close();
  });

  const begin = (scenario: string): Tally => {
    traffic.tally = newTally(scenario);
    scenarioStarted = Date.now();
    load.start();
    return traffic.tally;
  };
  /** Waits until the load has had `count` more answers (the load keeps going meanwhile). */
  const answers = (count: number) => {
    const target = traffic.tally.requests + count;
    return waitFor(`${count} more requests`, 60_000, () => traffic.tally.requests >= target);
  };
  const finish = async (tally: Tally) => {
    await load.stop();
    await checkEverything(deployment, load, client);
    for (const node of deployment.nodes) tally.unexpected.push(...node.crashes.splice(0));
    tally.seconds = (Date.now() - scenarioStarted) / 1000;
    saveTally(tally);
    expect(tally.unexpected).toEqual([]);
    expect(tally.duplicates).toBe(0);
    expect(tally.lostWrites).toBe(0);
  };

  it('kill -9 of a node in the middle of a sync: nothing answered is lost, nothing runs twice, the sync resumes', async () => {
    const tally = begin('node kill -9');
    await answers(300);
    const victim = deployment.nodes[1]!;
    await waitFor(`${victim.name} to be in the middle of a sync`, 30_000, () => deployment.gate.isSyncing(victim.name));
    await victim.kill();
    tally.faults.push(`kill -9 ${victim.name} during a sync`);
    await answers(200);
    await victim.start();
    await answers(200);
    await finish(tally);
  });
});
