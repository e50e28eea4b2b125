import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent, findForm } from '../helpers/browser.ts';
import { testDialects } from '../helpers/database.ts';
import { signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { bookingMail } from './support/mime.ts';
import { mondayAhead } from './support/dates.ts';
import { schedulingServices } from '../../src/scheduling/scheduling-services.ts';

describe.each(testDialects())('scheduling pages (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let agent: PageAgent;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
    agent = new PageAgent(server.url);
  });
  afterAll(() => close());

  const links = (page: string) => [...page.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

  it('lets a signed-in host set up an event type and hours, and shows an invitee a bookable page', async () => {
    const first = await agent.get('/scheduling');
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toMatch(/^\/signin\?return_to=%2Fscheduling/);
    const signedIn = await signInThroughPages(agent, smtp, 'page-host@example.com', first);
    expect(signedIn.headers.get('location')).toBe('/scheduling');
    let dashboard = await (await agent.get('/scheduling')).text();
    expect(dashboard).toContain('Event types');

    const profile = await agent.submit(
      dashboard,
      { slug: 'pat-host', timezone: 'Europe/Paris' },
      '/scheduling/profile',
    );
    expect(profile.status).toBe(303);
    const badProfile = await agent.submit(dashboard, { slug: 'api', timezone: 'Not/AZone' }, '/scheduling/profile');
    expect(badProfile.status).toBe(400);
    expect(await badProfile.text()).toContain('unknown time zone');

    dashboard = await (await agent.get('/scheduling')).text();
    const created = await agent.submit(
      dashboard,
      {
        name: 'Coffee chat',
        slug: 'coffee',
        durations: '30, 60',
        location_kind: 'in_person',
        location_value: 'Café de Flore',
        buffer_before: '0',
        buffer_after: '15',
        minimum_notice: '60',
        daily_limit: '',
        booking_window: '30',
        slot_interval: '',
        schedule_id: '',
        description: 'Let us talk.',
      },
      '/scheduling/event-types',
    );
    expect(created.status).toBe(303);
    const dup = await agent.submit(
      dashboard,
      { name: 'Other', slug: 'coffee', durations: '30' },
      '/scheduling/event-types',
    );
    expect(dup.status).toBe(409);
    dashboard = await (await agent.get('/scheduling')).text();
    expect(dashboard).toContain(`${server.url}/pat-host/coffee`);

    // Weekly hours on the schedule page: bad input is refused with the field named, good input saved.
    const scheduleLink = links(dashboard).find((l) => l.startsWith('/scheduling/schedules/'))!;
    const schedulePage = await (await agent.get(scheduleLink)).text();
    const bad = await agent.submit(
      schedulePage,
      { name: 'Working hours', timezone: 'Europe/Paris', mon: '09:00-12:00, 11:00-13:00', tue: 'nine to five' },
      scheduleLink,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/not written as 09:00-17:00/);
    const overlap = await agent.submit(
      schedulePage,
      { name: 'Working hours', timezone: 'Europe/Paris', mon: '09:00-12:00, 11:00-13:00' },
      scheduleLink,
    );
    expect(overlap.status).toBe(400);
    expect(await overlap.text()).toContain('overlaps');
    const saved = await agent.submit(
      schedulePage,
      {
        name: 'Working hours',
        timezone: 'Europe/Paris',
        mon: '09:00-12:00, 13:00-17:00',
        tue: '09:00-17:00',
        wed: '09:00-17:00',
        thu: '09:00-17:00',
        fri: '09:00-17:00',
        sat: '',
        sun: '',
      },
      scheduleLink,
    );
    expect(saved.status).toBe(303);
    const afterSave = await (await agent.get(scheduleLink)).text();
    expect(afterSave).toContain('value="09:00-12:00, 13:00-17:00"');
    const monday = mondayAhead('Europe/Paris');
    expect(
      (await agent.submit(afterSave, { date: monday.plus({ days: 1 }).toISODate()!, hours: '' }, '/overrides')).status,
    ).toBe(303);
    expect(
      (
        await agent.submit(
          afterSave,
          { from: monday.plus({ days: 2 }).toISODate()!, to: monday.plus({ days: 3 }).toISODate()!, reason: 'Trip' },
          '/ooo',
        )
      ).status,
    ).toBe(303);
    const withRules = await (await agent.get(scheduleLink)).text();
    expect(withRules).toContain(`${monday.plus({ days: 1 }).toISODate()}: closed`);
    expect(withRules).toContain('(Trip)');
  });

  it('books through the public page, emails an .ics with a manage link, and cancels through it', async () => {
    const invitee = new PageAgent(server.url);
    const monday = mondayAhead('Europe/Paris');
    const landing = await invitee.get(`/pat-host/coffee?tz=America/New_York&duration=60&date=${monday.toISODate()}`);
    expect(landing.status).toBe(200);
    const page = await landing.text();
    expect(page).toContain('Coffee chat');
    expect(page).toContain('/scheduling/assets/booking.js');
    // The host's own address is a page listing what can be booked.
    const hostPage = await invitee.get('/pat-host');
    expect(hostPage.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await hostPage.text()).toContain('href="/pat-host/coffee"');
    expect((await invitee.get('/no-such-host')).status).toBe(404);
    // Days with free times are links in the month's table; the others are plain.
    const openDays = async (month: string) => {
      const table = await (await invitee.get(`/pat-host/coffee?tz=America/New_York&duration=60&month=${month}`)).text();
      return [...table.matchAll(/<td class="day open[^"]*" data-date="([^"]+)"/g)].map((m) => m[1]);
    };
    const days = [
      ...(await openDays(monday.toFormat('yyyy-MM'))),
      ...(await openDays(monday.plus({ days: 4 }).toFormat('yyyy-MM'))),
    ];
    // Monday, then Friday: Tuesday is closed by the override, Wednesday and Thursday out of office.
    expect(days).toContain(monday.toISODate());
    expect(days).toContain(monday.plus({ days: 4 }).toISODate());
    for (const closed of [1, 2, 3]) expect(days).not.toContain(monday.plus({ days: closed }).toISODate());
    const slotLinks = links(page).filter((l) => l.includes('start='));
    // Monday 09:00 Paris is 03:00 in New York; 60-minute meetings fit 09–12 and 13–17 Paris.
    expect(slotLinks).toHaveLength(7);
    const chosen = await (await invitee.get(slotLinks[0]!)).text();
    expect(chosen).toContain('03:00');
    const booked = await invitee.submit(
      chosen,
      { name: 'Nora Invitee', email: 'nora@example.com' },
      '/pat-host/coffee',
    );
    expect(booked.status).toBe(303);
    const managePath = booked.headers.get('location')!;
    expect(managePath).toMatch(/^\/booking\/[\w-]+\?token=/);
    const confirmation = await (await invitee.get(managePath)).text();
    expect(confirmation).toContain('You are scheduled');

    // The same slot again is taken now.
    const again = await invitee.submit(chosen, { name: 'Late', email: 'late@example.com' }, '/pat-host/coffee');
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('just taken');

    await server.kernel.jobs.drain();
    const mail = await smtp.waitForMessage('nora@example.com');
    expect(mail.subject).toMatch(/^Confirmed: Coffee chat/);
    const { text, ics } = bookingMail(mail.raw);
    expect(text).toContain('Café de Flore');
    const link = /https?:\/\/\S+\/booking\/\S+/.exec(text)![0];
    expect(link).toBe(`${server.url}${managePath}`);
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics).toContain('METHOD:REQUEST');
    expect(ics).toMatch(new RegExp(`DTSTART:${monday.set({ hour: 9 }).toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'")}`));
    expect(ics).toContain('ATTENDEE;CN="Nora Invitee"');

    // Cancelling asks first, on its own page; nothing happens until its form is sent.
    const cancelPath = managePath.replace('?', '/cancel?');
    const ask = await (await invitee.get(cancelPath)).text();
    expect(ask).toContain('Cancel this meeting?');
    expect(await (await invitee.get(managePath)).text()).toContain('You are scheduled');
    const cancelForm = findForm(ask, '/cancel');
    const canceled = await invitee.post(cancelForm.action, { ...cancelForm.hidden, reason: 'Conflict at work' });
    expect(canceled.status).toBe(303);
    const canceledPage = await (await invitee.get(managePath)).text();
    expect(canceledPage).toContain('This meeting is canceled');
    expect(canceledPage).toContain('Reason given: Conflict at work');
    await server.kernel.jobs.drain();
    const cancelMail = await smtp.waitForMessage('nora@example.com');
    expect(cancelMail.subject).toMatch(/^Canceled:/);
    expect(bookingMail(cancelMail.raw).ics).toContain('METHOD:CANCEL');
    expect((await invitee.get(managePath.replace(/token=[^&]+/, 'token=forged'))).status).toBe(404);
  });

  it('reschedules through the invitee link into a new booking', async () => {
    const invitee = new PageAgent(server.url);
    const monday = mondayAhead('Europe/Paris');
    const page = await (
      await invitee.get(`/pat-host/coffee?tz=Europe/Paris&duration=30&date=${monday.plus({ days: 4 }).toISODate()}`)
    ).text();
    const slot = links(page).filter((l) => l.includes('start='))[0]!;
    const booked = await invitee.submit(
      await (await invitee.get(slot)).text(),
      { name: 'Rex', email: 'rex@example.com' },
      '/pat-host/coffee',
    );
    const managePath = booked.headers.get('location')!;
    const manage = await (
      await invitee.get(`${managePath.replace('?', '/reschedule?')}&date=${monday.plus({ days: 4 }).toISODate()}`)
    ).text();
    const later = links(manage)
      .filter((l) => l.includes('start='))
      .at(-1)!;
    const confirm = await (await invitee.get(later)).text();
    const moved = await invitee.submit(confirm, {}, '/reschedule');
    expect(moved.status).toBe(303);
    const newPath = moved.headers.get('location')!;
    expect(newPath).not.toBe(managePath);
    expect(await (await invitee.get(newPath)).text()).toContain('You are scheduled');
    expect(await (await invitee.get(managePath)).text()).toContain('This meeting was moved');
  });

  it('shows the webhook section with a disabled endpoint’s reason, and refuses forged forms', async () => {
    const dashboard = await (await agent.get('/scheduling')).text();
    const added = await agent.submit(
      dashboard,
      { url: 'https://hooks.example.com/in', events: 'booking_created' },
      '/developers/webhooks',
    );
    expect(added.status).toBe(200);
    expect(await added.text()).toMatch(/whsec_/);
    const after = await (await agent.get('/scheduling')).text();
    expect(after).toContain('https://hooks.example.com/in');
    const services = schedulingServices(server.kernel, server.oauth, server.accounts, server.app.log);
    const row = await server.kernel.database.db
      .selectFrom('scheduling_webhooks')
      .select('id')
      .executeTakeFirstOrThrow();
    await services.webhookRepo.disable(
      row.id,
      'Disabled after 15 consecutive failed deliveries; the last: HTTP 500.',
      server.clock.now(),
    );
    const disabled = await (await agent.get('/scheduling')).text();
    expect(disabled).toContain('disabled: Disabled after 15 consecutive failed deliveries; the last: HTTP 500.');
    const log = await agent.get(`/developers/webhooks/${row.id}`);
    expect(log.status).toBe(200);
    expect(await log.text()).toContain('Deliveries to https://hooks.example.com/in');
    const enabled = await agent.submit(disabled, {}, `/developers/webhooks/${row.id}/enable`);
    expect(enabled.status).toBe(303);
    expect(await (await agent.get('/scheduling')).text()).not.toContain('disabled: Disabled');
    const forged = await agent.post('/scheduling/event-types', { csrf: 'forged', name: 'x' });
    expect(forged.status).toBe(403);
    expect((await new PageAgent(server.url).get('/nobody/nothing')).status).toBe(404);
  });
});
