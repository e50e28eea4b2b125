import { expect } from 'vitest';
import { checkEverything } from './checks.ts';
import type { Deployment } from './deployment.ts';
import { Load } from './load.ts';
import { createFaultClient, type FaultClient } from './people.ts';
import { addPerson } from './setup.ts';
import { newTally, saveTally, type Tally } from './tally.ts';
import { Traffic } from './traffic.ts';
import { waitFor } from './wait-for.ts';

/**
 * One deployment under load, through several faults: each fault is a scenario with its own
 * tally, begun with the load running and finished with the load stopped and everything checked.
 */
export class Scenarios {
  traffic!: Traffic;
  load!: Load;
  client!: FaultClient;
  private started = 0;

  constructor(readonly deployment: Deployment) {}

  async setUp(people: number): Promise<void> {
    await this.deployment.start();
    this.client = await createFaultClient(this.deployment);
    this.traffic = new Traffic(newTally('setup'), this.deployment.nodes);
    this.load = new Load(this.deployment, this.traffic, this.client, []);
    for (let i = 0; i < people; i++) await addPerson(this.deployment, this.load, i);
    expect(this.traffic.tally.unexpected).toEqual([]);
  }

  async tearDown(): Promise<void> {
    await this.load?.stop();
    await this.deployment.close();
  }

  begin(scenario: string): Tally {
    this.traffic.tally = newTally(scenario);
    this.started = Date.now();
    this.load.start();
    return this.traffic.tally;
  }

  /** Waits until the load has had `count` more answers (it keeps going meanwhile). */
  answers(count: number): Promise<void> {
    const target = this.traffic.tally.requests + count;
    return waitFor(`${count} more requests`, 60_000, () => this.traffic.tally.requests >= target);
  }

  /** Stops the load, checks everything, keeps the tally, and fails on anything found. */
  async finish(tally: Tally): Promise<void> {
    await this.load.stop();
    await checkEverything(this.deployment, this.load, this.client);
    for (const node of this.deployment.nodes) tally.unexpected.push(...node.crashes.splice(0));
    tally.seconds = (Date.now() - this.started) / 1000;
    saveTally(tally);
    this.deployment.keep ||= tally.unexpected.length > 0 || tally.duplicates > 0 || tally.lostWrites > 0;
    expect(tally.unexpected).toEqual([]);
    expect(tally.duplicates).toBe(0);
    expect(tally.lostWrites).toBe(0);
  }
}
