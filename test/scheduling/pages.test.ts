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

  /** Monday to Friday, one range each, as the weekly hours form posts them. */
  const weekdays = (start: string, end: string) =>
    Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri'].flatMap((day) => [
        [`${day}-on`, '1'],
        [`${day}-0-start`, start],
        [`${day}-0-end`, end],
      ]),
    );
  /** Monday 09:00–12:00 and 13:00–17:00, Tuesday to Friday 09:00–17:00. */
  const workingHours = {
    ...weekdays('09:00', '17:00'),
    'mon-0-end': '12:00',
    'mon-1-start': '13:00',
    'mon-1-end': '17:00',
  };
  const links = (page: string) => [...page.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

  it('lets a signed-in host set up an event type and hours, and shows an invitee a bookable page', async () => {
    const first = await agent.get('/scheduling');
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toMatch(/^\/signin\?return_to=%2Fscheduling/);
    const signedIn = await signInThroughPages(agent, smtp, 'page-host@example.com', first);
    expect(signedIn.headers.get('location')).toBe('/scheduling');

    // The first visit asks for the time zone and the weekly hours; a refused form keeps what was typed.
    const firstVisit = await agent.get('/scheduling');
    expect(firstVisit.status).toBe(303);
    expect(firstVisit.headers.get('location')).toBe('/scheduling/setup');
    const setup = await (await agent.get('/scheduling/setup')).text();
    expect(setup).toContain('Set up scheduling');
    const refusedSetup = await agent.submit(
      setup,
      { timezone: 'Mars/Olympus', 'mon-on': '1', 'mon-0-start': '17:00', 'mon-0-end': '09:00' },
      '/scheduling/setup',
    );
    expect(refusedSetup.status).toBe(400);
    const refusedText = await refusedSetup.text();
    expect(refusedText).toContain('know the time zone “Mars/Olympus”');
    expect(refusedText).toContain('value="Mars/Olympus"');
    expect(refusedText).toMatch(/id="mon-0-end"[^>]*value="09:00"[^>]*aria-invalid="true"/);
    expect(refusedText).toContain('End after the start (17:00).');
    expect(refusedText).not.toMatch(/weekly\.mon|timezone:/);
    expect(await (await agent.get('/scheduling/setup')).text()).toContain('Set up scheduling'); // nothing saved
    const setUp = await agent.submit(
      setup,
      {
        timezone: 'paris',
        ...weekdays('09:00', '17:00'),
      },
      '/scheduling/setup',
    );
    expect(setUp.status).toBe(303);
    expect(setUp.headers.get('location')).toBe('/scheduling?saved=setup');
    let eventTypes = await (await agent.get('/scheduling?saved=setup')).text();
    expect(eventTypes).toContain('You are set up.');
    expect(eventTypes).toContain('<a href="/scheduling" aria-current="page">Event types</a>');
    expect(eventTypes).toContain('<a href="/scheduling" aria-current="page">Scheduling</a>');

    const profile = await agent.submit(eventTypes, { slug: 'pat-host' }, '/scheduling/profile');
    expect(profile.status).toBe(303);
    expect(profile.headers.get('location')).toBe('/scheduling?saved=address');
    const badProfile = await agent.submit(eventTypes, { slug: 'api' }, '/scheduling/profile');
    expect(badProfile.status).toBe(400);
    expect(await badProfile.text()).toContain('Use 1 to 50 lowercase letters');
    const availability = await (await agent.get('/scheduling/availability')).text();
    const badZone = await agent.submit(availability, { timezone: 'Not/AZone' }, '/scheduling/timezone');
    expect(badZone.status).toBe(400);
    expect(await badZone.text()).toContain('know the time zone “Not/AZone”');

    const newForm = await (await agent.get('/scheduling/event-types/new')).text();
    const coffee = {
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
    };
    const refusedType = await agent.submit(newForm, { ...coffee, buffer_after: '9999' }, '/scheduling/event-types');
    expect(refusedType.status).toBe(400);
    const refusedTypeText = await refusedType.text();
    expect(refusedTypeText).toMatch(/id="et-after-error">Must be a whole number from 0 to 720\.</);
    expect(refusedTypeText).toContain('value="Café de Flore"');
    expect(refusedTypeText).not.toContain('bufferAfterMin');
    const created = await agent.submit(newForm, coffee, '/scheduling/event-types');
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe('/scheduling?saved=event-created');
    const dup = await agent.submit(
      newForm,
      { name: 'Other', slug: 'coffee', durations: '30' },
      '/scheduling/event-types',
    );
    expect(dup.status).toBe(409);
    expect(await dup.text()).toContain('id="et-slug-error"');
    eventTypes = await (await agent.get('/scheduling')).text();
    expect(eventTypes).toContain(`${server.url}/pat-host/coffee`);
    expect(eventTypes).toContain(`data-copy="${server.url}/pat-host/coffee"`);

    // Weekly hours on the schedule page: bad input is refused at its field in words, good input saved.
    const scheduleLink = links(await (await agent.get('/scheduling/availability')).text()).find((l) =>
      l.startsWith('/scheduling/schedules/'),
    )!;
    const schedulePage = await (await agent.get(scheduleLink)).text();
    expect(schedulePage).toContain('Europe/Paris');
    const bad = await agent.submit(
      schedulePage,
      {
        name: 'Working hours',
        timezone: 'Europe/Paris',
        'mon-on': '1',
        'mon-0-start': '09:00',
        'mon-0-end': '12:00',
        'mon-1-start': '11:00',
        'mon-1-end': '13:00',
        'tue-on': '1',
        'tue-0-start': 'nine',
        'tue-0-end': '17:00',
      },
      scheduleLink,
    );
    expect(bad.status).toBe(400);
    const badText = await bad.text();
    expect(badText).toMatch(
      /id="mon-1-start"[^>]*value="11:00"[^>]*aria-invalid="true" aria-describedby="mon-1-start-error" autofocus/,
    );
    expect(badText).toContain('These hours overlap other hours that day');
    expect(badText).toContain('Enter the time these hours start, like 09:00.');
    // "Add hours" without scripts: the form comes back with one more range, nothing saved.
    const added = await agent.submit(
      schedulePage,
      {
        name: 'Working hours',
        timezone: 'Europe/Paris',
        'mon-on': '1',
        'mon-0-start': '09:00',
        'mon-0-end': '12:00',
        edit: 'add:mon',
      },
      scheduleLink,
    );
    expect(added.status).toBe(200);
    expect(await added.text()).toMatch(/id="mon-1-start"[^>]*value="12:00"/);
    const saved = await agent.submit(
      schedulePage,
      { name: 'Working hours', timezone: 'Europe/Paris', ...workingHours },
      scheduleLink,
    );
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`${scheduleLink}?saved=hours`);
    const afterSave = await (await agent.get(`${scheduleLink}?saved=hours`)).text();
    expect(afterSave).toContain('Hours saved.');
    expect(afterSave).toMatch(/id="mon-1-start"[^>]*value="13:00"/);
    const monday = mondayAhead('Europe/Paris');
    expect(
      (await agent.submit(afterSave, { date: monday.plus({ days: 1 }).toISODate()!, closed: '1' }, '/overrides'))
        .status,
    ).toBe(303);
    const badOoo = await agent.submit(
      afterSave,
      { from: monday.plus({ days: 3 }).toISODate()!, to: monday.plus({ days: 2 }).toISODate()!, reason: 'Trip' },
      '/ooo',
    );
    expect(badOoo.status).toBe(400);
    expect(await badOoo.text()).toContain('The last day cannot come before the first.');
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
    expect(withRules).toContain(`${monday.plus({ days: 1 }).toFormat('ccc d LLL yyyy')}: closed`);
    expect(withRules).toContain('(Trip)');
  });

  it('never lets the host’s zone and a schedule’s zone disagree silently', async () => {
    const schedules = await (await agent.get('/scheduling/availability')).text();
    const link = links(schedules).find((l) => l.startsWith('/scheduling/schedules/'))!;
    // A schedule in another zone: both zones named, and a one-click fix.
    const page = await (await agent.get(link)).text();
    await agent.submit(page, { name: 'Working hours', timezone: 'Europe/London', ...workingHours }, link);
    const warned = await (await agent.get('/scheduling/availability')).text();
    expect(warned).toMatch(
      /These hours are in <strong>Europe\/London<\/strong>, but your time zone is <strong>Europe\/Paris<\/strong>/,
    );
    const fixed = await agent.submit(warned, {}, `${link}/timezone`);
    expect(fixed.status).toBe(303);
    expect(fixed.headers.get('location')).toBe('/scheduling/availability?saved=zone-fixed');
    expect(await (await agent.get('/scheduling/availability')).text()).not.toContain('These hours are in');
    // The host moves: schedules in their old zone move along, so they still agree.
    const moved = await agent.submit(warned, { timezone: 'America/New_York' }, '/scheduling/timezone');
    expect(moved.status).toBe(303);
    const after = await (await agent.get('/scheduling/availability')).text();
    expect(after).toContain('America/New_York · Mon');
    expect(after).not.toContain('These hours are in');
    await agent.submit(after, { timezone: 'Europe/Paris' }, '/scheduling/timezone');
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
    // Monday 09:00 in Paris, in the invitee's New York time, in both clock styles.
    expect(text).toContain(
      `${monday.set({ hour: 9 }).setZone('America/New_York').toFormat('cccc d LLLL yyyy')} at 3:00 AM (03:00), America/New_York time`,
    );
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
    const dashboard = await (await agent.get('/scheduling/webhooks')).text();
    const added = await agent.submit(
      dashboard,
      { url: 'https://hooks.example.com/in', events: 'booking_created' },
      '/developers/webhooks',
    );
    expect(added.status).toBe(200);
    expect(await added.text()).toMatch(/whsec_/);
    const after = await (await agent.get('/scheduling/webhooks')).text();
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
    const disabled = await (await agent.get('/scheduling/webhooks')).text();
    expect(disabled).toContain('disabled: Disabled after 15 consecutive failed deliveries; the last: HTTP 500.');
    const log = await agent.get(`/developers/webhooks/${row.id}`);
    expect(log.status).toBe(200);
    expect(await log.text()).toContain('Deliveries to <code>https://hooks.example.com/in</code>');
    const enabled = await agent.submit(disabled, {}, `/developers/webhooks/${row.id}/enable`);
    expect(enabled.status).toBe(303);
    expect(enabled.headers.get('location')).toBe('/scheduling/webhooks?saved=webhook-enabled');
    expect(await (await agent.get('/scheduling/webhooks')).text()).not.toContain('disabled: Disabled');
    const forged = await agent.post('/scheduling/event-types', { csrf: 'forged', name: 'x' });
    expect(forged.status).toBe(403);
    expect((await new PageAgent(server.url).get('/nobody/nothing')).status).toBe(404);
  });
  it('asks before deleting an event type or a schedule, on a page of its own', async () => {
    const newForm = await (await agent.get('/scheduling/event-types/new')).text();
    const created = await agent.submit(
      newForm,
      { name: 'Short call', slug: 'short', durations: '15' },
      '/scheduling/event-types',
    );
    expect(created.status).toBe(303);
    const list = await (await agent.get('/scheduling')).text();
    const deleteLink = links(list).find(
      (l) =>
        /^\/scheduling\/event-types\/[^/]+\/delete$/.test(l) &&
        list.includes(`href="${l}">Delete<span class="visually-hidden"> Short call`),
    );
    expect(deleteLink).toBeDefined();
    const ask = await (await agent.get(deleteLink!)).text();
    expect(ask).toContain('Delete Short call?');
    expect(ask).toContain('Keep it');
    expect((await new PageAgent(server.url).get('/pat-host/short')).status).toBe(200); // nothing deleted yet
    const deleted = await agent.submit(ask, {}, '/delete');
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('location')).toBe('/scheduling?saved=event-deleted');
    expect((await new PageAgent(server.url).get('/pat-host/short')).status).toBe(404);

    const availability = await (await agent.get('/scheduling/availability')).text();
    const added = await agent.submit(availability, { name: 'Evenings' }, '/scheduling/schedules');
    expect(added.status).toBe(303);
    const schedulePath = added.headers.get('location')!.split('?')[0]!;
    const schedulePage = await (await agent.get(schedulePath)).text();
    expect(schedulePage).toContain(`href="${schedulePath}/delete"`);
    const askSchedule = await (await agent.get(`${schedulePath}/delete`)).text();
    expect(askSchedule).toContain('Delete Evenings?');
    expect((await agent.get(schedulePath)).status).toBe(200);
    const gone = await agent.submit(askSchedule, {}, '/delete');
    expect(gone.headers.get('location')).toBe('/scheduling/availability?saved=schedule-deleted');
    expect((await agent.get(`${schedulePath}/delete`)).status).toBe(404);
  });
});
