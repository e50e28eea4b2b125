// Scheduling pages benchmark (npm run bench with BENCH_SCENARIOS=scheduling-pages; or:
// node --import tsx bench/scheduling-pages.ts). The issue's target: server time p95 under 20 ms per
// page. A host in Paris with two event types and 120 bookings this month; each page is asked for
// PAGES_REQUESTS times, one request at a time over real HTTP, after PAGES_WARMUP unmeasured ones.
// "Server" is Fastify's own time from the request's arrival to the reply's end (onResponse
// elapsedTime); "client" adds loopback HTTP and fetch on the same machine.
//   BENCH_PAGES_REQUESTS=300  measured requests per page
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { buildApp } from '../src/app.ts';
import { internalsOf } from '../src/accounts/create-accounts.ts';
import { schedulingServices } from '../src/scheduling/scheduling-services.ts';
import { freePort } from './child-process.ts';
import { inProcessBenchConfig } from './in-process-config.ts';
import { pageTimer, type PagesBenchRow, type TimedPage } from './page-timing.ts';

export async function runSchedulingPagesBench(options: { requests?: number } = {}): Promise<PagesBenchRow[]> {
  const requests = options.requests ?? Number(process.env.BENCH_PAGES_REQUESTS ?? 300);
  const dir = mkdtempSync(join(tmpdir(), 'consentry-bench-pages-'));
  const port = await freePort();
  const config = inProcessBenchConfig(dir, port);
  const built = await buildApp(config);
  const { app, kernel, oauth, accounts } = built;
  const timer = pageTimer(app);
  await app.listen({ host: '127.0.0.1', port });
  try {
    const s = schedulingServices(kernel, oauth, accounts, app.log);
    const user = await accounts.users.create({ email: `pages-${Date.now()}@example.com`, name: 'Paris Host' });
    await s.hosts.ensure(user.id, 'Europe/Paris');
    await s.hosts.update(user.id, { slug: 'paris-host', timezone: 'Europe/Paris' });
    const eventType = await s.eventTypes.create(user.id, { name: 'Coffee chat', slug: 'coffee', durations: [30, 60] });
    await s.eventTypes.create(user.id, { name: 'Long talk', slug: 'long', durations: [90] });
    // 120 bookings over the next four weeks: the slot engine has real work on every page.
    const monday = DateTime.now().setZone('Europe/Paris').plus({ weeks: 1 }).startOf('week');
    let booked = 0;
    for (let day = 0; day < 28 && booked < 120; day++) {
      for (let hour = 9; hour < 17 && booked < 120; hour += 2) {
        const start = monday.plus({ days: day }).set({ hour });
        if (start.weekday > 5) continue;
        await s.bookings.create(eventType, {
          start: start.toUTC().toISO()!,
          invitee: { name: `Guest ${booked}`, email: `g${booked++}@example.com`, timezone: 'America/New_York' },
        });
      }
    }
    const schedule = (await s.schedules.list(user.id))[0]!;
    const { token } = await internalsOf(accounts).sessions.create(user.id, {});
    const signedIn = { cookie: `consentry_session=${token}` };
    const free = (
      await s.availability.forEventType(eventType, {
        from: monday.toMillis(),
        to: monday.plus({ days: 7 }).toMillis(),
        durationMin: 30,
      })
    ).slots[0]!;
    const booking = (await s.bookings.list(user.id, { status: 'active', limit: 1 })).bookings[0]!;
    const manage = `/booking/${booking.id}?token=${s.manageLinks.token(booking.id)}`;
    const ny = { 'accept-language': 'en-US,en;q=0.9' };

    const pages: TimedPage[] = [
      { page: 'GET /{host}', path: '/paris-host', headers: ny },
      { page: 'GET /{host}/{event} (calendar)', path: '/paris-host/coffee?tz=America/New_York', headers: ny },
      {
        page: 'GET /{host}/{event} (a time picked)',
        path: `/paris-host/coffee?tz=America/New_York&start=${new Date(free.start).toISOString()}`,
        headers: ny,
      },
      { page: 'GET /booking/{id} (scheduled)', path: manage, headers: ny },
      { page: 'GET /booking/{id}/reschedule', path: manage.replace('?', '/reschedule?'), headers: ny },
      { page: 'GET /scheduling (event types)', path: '/scheduling', headers: signedIn },
      { page: 'GET /scheduling/availability', path: '/scheduling/availability', headers: signedIn },
      { page: 'GET /scheduling/schedules/{id}', path: `/scheduling/schedules/${schedule.id}`, headers: signedIn },
      { page: 'GET /scheduling/bookings', path: '/scheduling/bookings', headers: signedIn },
      { page: 'GET /scheduling/webhooks', path: '/scheduling/webhooks', headers: signedIn },
    ];
    return await timer.measure(config.ISSUER, pages, requests);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatTable } = await import('./load.ts');
  console.log(formatTable(await runSchedulingPagesBench()));
}
