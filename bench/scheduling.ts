import { freePort } from './child-process.ts';
import { inProcessBenchConfig } from './in-process-config.ts';
// Scheduling benchmarks (npm run bench calls runSchedulingBench; or: node --import tsx bench/scheduling.ts).
//   GET /api/v2/availability over a 31-day window for an event type whose host has 500 bookings in it:
//   p50/p99 latency over real HTTP (target p50 < 10 ms), plus the slot engine alone.
//   POST /api/v2/bookings throughput with conflict checks: concurrent clients booking, a third of
//   requests aimed at slots already taken (each must be a 409).
//   BENCH_SCHEDULING_DATABASE_URL=postgres://… runs it on PostgreSQL (default: a SQLite file).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.ts';
import { schedulingServices } from '../src/scheduling/scheduling-services.ts';
import { BookingRepository } from '../src/scheduling/bookings/booking-repository.ts';
import { computeSlots } from '../src/scheduling/slots/compute-slots.ts';
import { slotSettings } from '../src/scheduling/slots/availability-service.ts';
import { WEEKDAYS } from '../src/scheduling/schedules/schedule.ts';

export interface SchedulingBenchRow {
  scenario: string;
  metric: string;
  value: number;
  unit: string;
  target?: string;
}

const DAY = 86_400_000;
const ALL_SCOPES = [
  'read:profile',
  'read:bookings',
  'write:bookings',
  'read:event-types',
  'write:event-types',
  'read:availability',
  'write:availability',
];

export async function runSchedulingBench(
  options: { databaseUrl?: string; availabilityRequests?: number; bookingRequests?: number; concurrency?: number } = {},
): Promise<SchedulingBenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'consentry-bench-scheduling-'));
  const port = await freePort();
  const databaseUrl = options.databaseUrl ?? process.env.BENCH_SCHEDULING_DATABASE_URL;
  const config = inProcessBenchConfig(dir, port, databaseUrl ? { DATABASE_URL: databaseUrl } : {});
  const { app, kernel, oauth, accounts } = await buildApp(config);
  await app.listen({ host: '127.0.0.1', port });
  const base = `${config.ISSUER}/api/v2`;
  try {
    const s = schedulingServices(kernel, oauth, accounts, app.log);
    const user = await accounts.users.create({ email: `bench-${Date.now()}@example.com`, name: 'Bench Host' });
    // The API allows 600 requests per minute per token: each client of the bench has its own.
    const tokenHeaders = async () => ({
      authorization: `Bearer ${(await oauth.personalTokens.create({ userId: user.id, name: 'bench', scopes: ALL_SCOPES })).token}`,
      'content-type': 'application/json',
    });
    const headers = await tokenHeaders();
    const first = (await s.schedules.list(user.id))[0]!;
    const schedule = await s.schedules.update(user.id, first.id, {
      weekly: WEEKDAYS.map((day) => ({ day, start: '00:00', end: '24:00' })),
    });
    const eventType = await s.eventTypes.create(user.id, { name: 'Bench', durations: [30], bufferAfterMin: 0 });
    const from = Math.ceil((Date.now() + DAY) / DAY) * DAY;
    const to = from + 31 * DAY;
    // 500 bookings spread over the window: every third 30-minute slot, open all day, 31 days.
    for (let i = 0; i < 500; i++) {
      await s.bookings.create(eventType, {
        start: new Date(from + i * 3 * 30 * 60_000).toISOString(),
        invitee: { name: `Guest ${i}`, email: `g${i}@example.com`, timezone: 'UTC' },
      });
    }
    const rows: SchedulingBenchRow[] = [];

    // The engine alone, on the same data.
    const busy = await new BookingRepository(kernel.database.db).listBusy(user.id, from - DAY, to + DAY);
    const engineTimes: number[] = [];
    let slotCount = 0;
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      slotCount = computeSlots(
        schedule,
        slotSettings(eventType, 30),
        { from, to, now: Date.now(), eventTypeId: eventType.id },
        busy,
      ).length;
      engineTimes.push(performance.now() - t0);
    }
    rows.push({
      scenario: 'slot engine, 31 days, 500 bookings',
      metric: 'p50',
      value: percentile(engineTimes, 50),
      unit: 'ms',
    });

    // GET /availability over HTTP, one request at a time.
    const url = `${base}/availability?eventTypeId=${eventType.id}&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&tz=Europe/Paris`;
    for (let i = 0; i < 30; i++) await expectStatus(await fetch(url, { headers }), 200);
    const times: number[] = [];
    for (let i = 0; i < (options.availabilityRequests ?? 300); i++) {
      const t0 = performance.now();
      const response = await fetch(url, { headers });
      await expectStatus(response, 200);
      times.push(performance.now() - t0);
    }
    rows.push({
      scenario: `GET /availability, 31 days, 500 bookings (${slotCount} slots)`,
      metric: 'p50',
      value: percentile(times, 50),
      unit: 'ms',
      target: '< 10 ms',
    });
    rows.push({
      scenario: `GET /availability, 31 days, 500 bookings (${slotCount} slots)`,
      metric: 'p99',
      value: percentile(times, 99),
      unit: 'ms',
    });

    // POST /bookings with conflict checks: free slots of days 20–30, every other slot requested twice (one 201, one 409).
    const free = Array.from({ length: options.bookingRequests ?? 600 }, (_, i) =>
      new Date(from + 20 * DAY + i * 30 * 60_000).toISOString(),
    );
    const plan = free.flatMap((start, i) => (i % 2 === 0 ? [start, start] : [start])).slice(0, free.length);
    let next = 0;
    let created = 0;
    let conflicts = 0;
    const t0 = performance.now();
    const clients = await Promise.all(Array.from({ length: options.concurrency ?? 8 }, tokenHeaders));
    await Promise.all(
      clients.map(async (headers) => {
        for (let i = next++; i < plan.length; i = next++) {
          const response = await fetch(`${base}/bookings`, {
            method: 'POST',
            headers,
            body: JSON.stringify({
              eventTypeId: eventType.id,
              start: plan[i],
              invitee: { name: 'Load', email: 'load@example.com', timezone: 'UTC' },
            }),
          });
          await response.arrayBuffer();
          if (response.status === 201) created++;
          else if (response.status === 409) conflicts++;
          else throw new Error(`POST /bookings answered ${response.status}`);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    rows.push({
      scenario: `POST /bookings, ${options.concurrency ?? 8} clients, ${created} booked + ${conflicts} refused 409`,
      metric: 'throughput',
      value: plan.length / seconds,
      unit: 'req/s',
    });
    rows.push({ scenario: 'POST /bookings', metric: 'bookings created', value: created / seconds, unit: 'bookings/s' });
    return rows;
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(2));
}

async function expectStatus(response: Response, status: number): Promise<void> {
  const body = await response.text();
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${body.slice(0, 300)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await runSchedulingBench();
  for (const row of rows)
    console.log(
      `${row.scenario.padEnd(72)} ${row.metric.padEnd(16)} ${row.value.toFixed(2).padStart(9)} ${row.unit}${row.target ? `  (target ${row.target})` : ''}`,
    );
}
