import { setTimeout as pause } from 'node:timers/promises';
import { tokenKey } from '../../../src/kernel/crypto/tokens.ts';
import type { Deployment } from './deployment.ts';
import type { Load } from './load.ts';
import type { FaultClient } from './people.ts';
import { waitFor } from './wait-for.ts';

/**
 * What must hold after any fault, checked through the API and in the database once the load has
 * stopped and the deployment has recovered; every finding lands in the load's tally.
 */
export async function checkEverything(deployment: Deployment, load: Load, client: FaultClient): Promise<void> {
  await checkTokens(load, client);
  await checkRefreshFamilies(deployment, load);
  await checkBookings(deployment, load);
  await checkJobs(deployment, load);
  await checkSyncs(load);
}

/**
 * Every access token a node answered (and that no later rotation revoked by design) is active,
 * at any node; the latest refresh token of every chain rotates.
 */
async function checkTokens(load: Load, client: FaultClient): Promise<void> {
  const { tally } = load.traffic;
  for (const chain of load.chains) {
    if (chain.busy) continue; // a chain already counted lost
    for (const token of chain.liveAccess) {
      const answer = await answered(load, '/oauth/introspect', { token }, client.auth);
      if (answer.json.active === true) tally.tokensVerified++;
      else {
        tally.lostWrites++;
        tally.unexpected.push(`an answered ${chain.kind} access token is inactive: ${JSON.stringify(answer.json)}`);
      }
    }
    chain.busy = true;
    if (await load.refresh(chain)) tally.tokensVerified++;
    chain.busy = false;
  }
}

/** No refresh token has two successors, and every refresh token a node answered is stored. */
async function checkRefreshFamilies(deployment: Deployment, load: Load): Promise<void> {
  const { tally } = load.traffic;
  const forked = await deployment.query<{ parent_id: string; n: number }>(
    'select parent_id, count(*) as n from refresh_tokens where parent_id is not null group by parent_id having count(*) > 1',
  );
  for (const fork of forked) {
    tally.duplicates++;
    tally.unexpected.push(`refresh token ${fork.parent_id} has ${fork.n} successors`);
  }
  const stored = new Set(
    (await deployment.query<{ token_hash: string }>('select token_hash from refresh_tokens')).map((r) => r.token_hash),
  );
  const missing = load.chains.flatMap((c) => c.refreshes).filter((token) => !stored.has(tokenKey(token)));
  tally.lostWrites += missing.length;
  if (missing.length) tally.unexpected.push(`${missing.length} answered refresh tokens are not in the database`);
}

/** No slot is booked twice, every 201 is stored, and every booking's webhook arrived (once per delivery id). */
async function checkBookings(deployment: Deployment, load: Load): Promise<void> {
  const { tally } = load.traffic;
  const doubled = await deployment.query<{ start_at: number; n: number }>(
    "select user_id, start_at, count(*) as n from scheduling_bookings where status = 'active' group by user_id, start_at having count(*) > 1",
  );
  for (const slot of doubled) {
    tally.duplicates++;
    tally.unexpected.push(`the slot at ${new Date(Number(slot.start_at)).toISOString()} is booked ${slot.n} times`);
  }
  const stored = new Set(
    (await deployment.query<{ id: string }>('select id from scheduling_bookings')).map((r) => r.id),
  );
  const missing = load.bookings.filter((b) => !stored.has(b.id));
  tally.lostWrites += missing.length;
  if (missing.length) tally.unexpected.push(`${missing.length} bookings answered 201 are not in the database`);

  const { sink } = deployment;
  await waitFor('a booking_created webhook for every booking', 30_000, () =>
    load.bookings.every((b) => sink.of(b.id).length > 0),
  ).catch(() => undefined);
  let repeats = 0;
  for (const booking of load.bookings) {
    const arrivals = sink.of(booking.id);
    if (arrivals.length === 0) {
      tally.lostWrites++;
      tally.unexpected.push(`booking ${booking.id}: its booking_created webhook never arrived`);
    }
    const ids = new Set(arrivals.map((a) => a.deliveryId));
    repeats += arrivals.length - ids.size;
    if (ids.size > 1 || ids.has('')) {
      tally.duplicates++;
      tally.unexpected.push(`booking ${booking.id}: booking_created arrived under delivery ids ${[...ids].join(', ')}`);
    }
  }
  // The bookings of earlier scenarios are checked again: count only the repeats new since.
  tally.webhookRepeats = repeats - load.webhookRepeatsSeen;
  load.webhookRepeatsSeen = repeats;
  for (const id of sink.overlapping) {
    tally.duplicates++;
    tally.unexpected.push(`delivery ${id} was being sent twice at the same time`);
  }
}

/** Every job ran to its end (none lost, none failed), and none ran on two nodes at once. */
async function checkJobs(deployment: Deployment, load: Load): Promise<void> {
  const { tally } = load.traffic;
  const unfinished = async () =>
    deployment.query<{ id: string; name: string; status: string }>(
      "select id, name, status from jobs where status in ('pending', 'running')",
    );
  await waitFor('every job to finish', 45_000, async () => (await unfinished()).length === 0).catch(() => undefined);
  for (const job of await unfinished()) {
    tally.lostWrites++;
    tally.unexpected.push(`job ${job.name} ${job.id} is still ${job.status}`);
  }
  for (const job of await deployment.query<{ name: string; last_error: string }>(
    "select name, last_error from jobs where status = 'failed'",
  ))
    tally.unexpected.push(`job ${job.name} failed: ${job.last_error}`);
  for (const delivery of await deployment.query<{ id: string; status: string }>(
    "select id, status from scheduling_webhook_deliveries where status <> 'succeeded'",
  ))
    tally.unexpected.push(`webhook delivery ${delivery.id} is ${delivery.status}`);
  for (const run of deployment.gate.concurrentRuns) {
    tally.duplicates++;
    tally.unexpected.push(`a sync ran twice at the same time: ${run}`);
  }
}

/** Every portfolio refresh a node accepted completed, interrupted or not. */
async function checkSyncs(load: Load): Promise<void> {
  const { tally } = load.traffic;
  for (const { refreshId, chain } of load.syncs) {
    let status = '';
    const until = Date.now() + 30_000;
    while (status !== 'completed' && Date.now() < until) {
      const answer = await answered(load, `/platform/v2/refresh/${refreshId}`, undefined, `Bearer ${chain.access}`);
      status = answer.json.data?.status ?? '';
      if (status !== 'completed') await pause(200);
    }
    if (status !== 'completed') {
      tally.lostWrites++;
      tally.unexpected.push(`portfolio refresh ${refreshId} ended ${status || 'unknown'}`);
    }
  }
}

/** A request retried at the next node until one answers (the checks run after recovery). */
async function answered(load: Load, path: string, form: Record<string, string> | undefined, authorization: string) {
  for (let attempt = 0; ; attempt++) {
    const answer = await load.traffic.send(load.traffic.pick(), path, {
      ...(form ? { form } : {}),
      headers: { authorization },
    });
    if (answer && answer.status !== 503) return answer;
    if (attempt > 50) throw new Error(`no node answered ${path}`);
    await pause(100);
  }
}
