import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SchedulingError } from '../../errors.ts';
import type { Schedule } from '../../schedules/schedule.ts';
import { isIsoDate, parseClock } from '../../time.ts';
import { field, seeOther, sendPage, type PageDeps } from '../page-deps.ts';
import type { FieldErrors } from '../views/field-errors.ts';
import { deleteConfirmationPage } from '../views/host/delete-confirmation.ts';
import { schedulePage } from '../views/schedule-view.ts';
import { resolveZone } from '../visitor/zone-list.ts';
import { hostAction, hostContext, type HostContext } from './host-context.ts';
import { checkHoursForm, editHoursForm, hoursFromWeekly, readHoursForm, type HoursForm } from './hours-form.ts';
import { withNotice, type NoticeKey } from './notices.ts';
import { fieldErrorsFrom } from './service-errors.ts';

type Params = { Params: { id: string; date?: string; index?: string } };

const UNKNOWN_ZONE = (typed: string) =>
  `We don’t know the time zone “${typed.slice(0, 64)}”. Type a city or a name like Europe/Paris and pick it from the list.`;

/** The schedule page and its forms: weekly hours, zone, overrides, out-of-office, delete. */
export async function scheduleFormRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const { s } = deps;

  const render = (
    reply: FastifyReply,
    c: HostContext,
    schedule: Schedule,
    status: number,
    refused: { hours?: HoursForm; values?: Record<string, string>; errors?: FieldErrors } = {},
  ) =>
    sendPage(
      reply,
      status,
      schedulePage({
        c,
        schedule,
        hours: refused.hours ?? hoursFromWeekly(schedule.weekly),
        values: refused.values ?? {},
        errors: refused.errors ?? {},
        now: s.kernel.clock.now(),
      }),
    );

  /** Loads the host and the schedule, runs `work`; a refusal re-renders the page with the form as sent. */
  const change = async (
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    work: (
      c: HostContext,
      schedule: Schedule,
    ) => Promise<{ notice: NoticeKey; to?: string } | Parameters<typeof render>[4]>,
  ) => {
    const c = await hostContext(deps, request, reply);
    if (!c) return reply;
    const schedule = await s.schedules.get(c.user.id, request.params.id);
    const back = `/scheduling/schedules/${schedule.id}`;
    try {
      const done = await work(c, schedule);
      if (done && 'notice' in done) return seeOther(reply, withNotice(done.to ?? back, done.notice));
      return render(reply, c, schedule, done?.errors && Object.keys(done.errors).length ? 400 : 200, done);
    } catch (error) {
      if (!(error instanceof SchedulingError) || error.status === 404) throw error;
      return render(reply, c, schedule, error.status, {
        values: textFields(request.body),
        hours: readHoursForm(body(request)),
        errors: fieldErrorsFrom(error, { name: 'sc-name', timezone: 'sc-tz', isDefault: 'sc-name' }),
      });
    }
  };

  app.get<Params>('/scheduling/schedules/:id', { schema: { hide: true } }, async (request, reply) => {
    const c = await hostContext(deps, request, reply);
    if (!c) return reply;
    return render(reply, c, await s.schedules.get(c.user.id, request.params.id), 200);
  });

  app.post<Params>('/scheduling/schedules/:id', { schema: { hide: true } }, async (request, reply) =>
    change(request, reply, async (c, schedule) => {
      const sent = body(request);
      const hours = readHoursForm(sent);
      const values = textFields(sent);
      const edit = field(sent, 'edit');
      if (edit) return { hours: editHoursForm(hours, edit), values };
      const errors: FieldErrors = {};
      if (!values.name) errors['sc-name'] = 'Give the schedule a name.';
      const zone = resolveZone(values.timezone);
      if (!zone) errors['sc-tz'] = UNKNOWN_ZONE(values.timezone ?? '');
      const checked = checkHoursForm(hours);
      Object.assign(errors, checked.errors);
      if (Object.keys(errors).length) return { hours, values, errors };
      await s.schedules.update(c.user.id, schedule.id, {
        name: values.name,
        timezone: zone,
        weekly: checked.weekly,
        ...(values.is_default === '1' ? { isDefault: true } : {}),
      });
      return { notice: 'hours' };
    }),
  );

  app.post<Params>('/scheduling/schedules/:id/timezone', { schema: { hide: true } }, async (request, reply) =>
    change(request, reply, async (c, schedule) => {
      const zone = resolveZone(field(request.body, 'timezone'));
      if (!zone) return { errors: { 'sc-tz': UNKNOWN_ZONE(field(request.body, 'timezone')) } };
      await s.schedules.update(c.user.id, schedule.id, { timezone: zone });
      const to = field(request.body, 'back') === '/scheduling/availability' ? '/scheduling/availability' : undefined;
      return { notice: 'zone-fixed', to };
    }),
  );

  app.post<Params>('/scheduling/schedules/:id/overrides', { schema: { hide: true } }, async (request, reply) =>
    change(request, reply, async (c, schedule) => {
      const values = textFields(request.body);
      const errors: FieldErrors = {};
      const date = values.date ?? '';
      if (!isIsoDate(date)) errors['ov-date'] = 'Pick the date.';
      const closed = values.closed === '1';
      const [start, end] = [values.start ?? '', values.end ?? ''];
      if (!closed) {
        if (parseClock(start) === undefined)
          errors['ov-start'] = 'Enter the hours of that day, or tick “Closed all day”.';
        else if (parseClock(end) === undefined && end !== '00:00') errors['ov-end'] = 'Enter the time that day ends.';
        else if (end !== '00:00' && end <= start) errors['ov-end'] = `End after the start (${start}).`;
      }
      if (Object.keys(errors).length) return { values, errors };
      await s.schedules.setOverride(c.user.id, schedule.id, {
        date,
        intervals: closed ? [] : [{ start, end: end === '00:00' ? '24:00' : end }],
      });
      return { notice: 'override-saved' };
    }),
  );

  app.post<Params>(
    '/scheduling/schedules/:id/overrides/:date/delete',
    { schema: { hide: true } },
    async (request, reply) =>
      change(request, reply, async (c, schedule) => {
        await s.schedules.update(c.user.id, schedule.id, {
          overrides: schedule.overrides.filter((o) => o.date !== request.params.date),
        });
        return { notice: 'override-removed' };
      }),
  );

  app.post<Params>('/scheduling/schedules/:id/ooo', { schema: { hide: true } }, async (request, reply) =>
    change(request, reply, async (c, schedule) => {
      const values = textFields(request.body);
      const errors: FieldErrors = {};
      const [from, to] = [values.from ?? '', values.to ?? ''];
      if (!isIsoDate(from)) errors['ooo-from'] = 'Pick the first day.';
      if (!isIsoDate(to)) errors['ooo-to'] = 'Pick the last day.';
      else if (isIsoDate(from) && to < from) errors['ooo-to'] = 'The last day cannot come before the first.';
      if (Object.keys(errors).length) return { values, errors };
      await s.schedules.addOutOfOffice(c.user.id, schedule.id, {
        from,
        to,
        ...(values.reason ? { reason: values.reason.slice(0, 200) } : {}),
      });
      return { notice: 'ooo-saved' };
    }),
  );

  app.post<Params>('/scheduling/schedules/:id/ooo/:index/delete', { schema: { hide: true } }, async (request, reply) =>
    change(request, reply, async (c, schedule) => {
      await s.schedules.update(c.user.id, schedule.id, {
        outOfOffice: schedule.outOfOffice.filter((_, i) => String(i) !== request.params.index),
      });
      return { notice: 'ooo-removed' };
    }),
  );

  app.get<Params>('/scheduling/schedules/:id/delete', { schema: { hide: true } }, async (request, reply) => {
    const c = await hostContext(deps, request, reply);
    if (!c) return reply;
    const schedule = await s.schedules.get(c.user.id, request.params.id);
    const page = deleteConfirmationPage(c, {
      tab: 'availability',
      name: schedule.name,
      consequence:
        'Its hours, date overrides and time off are deleted. Event types using it fall back to your default schedule.',
      action: `/scheduling/schedules/${schedule.id}/delete`,
      back: `/scheduling/schedules/${schedule.id}`,
    });
    return sendPage(reply, 200, page);
  });

  app.post<Params>('/scheduling/schedules/:id/delete', { schema: { hide: true } }, async (request, reply) =>
    hostAction(deps, request, reply, async (c) => {
      await s.schedules.delete(c.user.id, request.params.id);
      return withNotice('/scheduling/availability', 'schedule-deleted');
    }),
  );
}

function body(request: FastifyRequest): Record<string, unknown> {
  return (request.body ?? {}) as Record<string, unknown>;
}

/** The form's single-line fields, trimmed (the hours are read by readHoursForm). */
function textFields(sent: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries((sent ?? {}) as Record<string, unknown>))
    if (typeof value === 'string' && name !== 'csrf') values[name] = value.trim();
  return values;
}
