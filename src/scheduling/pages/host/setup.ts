import type { FastifyInstance } from 'fastify';
import { DEFAULT_WEEKLY } from '../../schedules/schedule.ts';
import { seeOther, sendPage, signedIn, type PageDeps } from '../page-deps.ts';
import { setupPage } from '../views/host/setup-view.ts';
import type { FieldErrors } from '../views/field-errors.ts';
import { visitorPrefs } from '../visitor/visitor-prefs.ts';
import { resolveZone } from '../visitor/zone-list.ts';
import { checkHoursForm, editHoursForm, hoursFromWeekly, readHoursForm } from './hours-form.ts';
import { withNotice } from './notices.ts';

/** GET and POST /scheduling/setup: a person's first visit to scheduling. */
export async function setupRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const { s } = deps;

  app.get('/scheduling/setup', { schema: { hide: true } }, async (request, reply) => {
    const user = await signedIn(deps, request, reply);
    if (!user) return reply;
    if (await s.hosts.find(user.id)) return seeOther(reply, '/scheduling');
    const prefs = visitorPrefs(request);
    return sendPage(
      reply,
      200,
      setupPage({
        user,
        csrfToken: deps.csrf.token(request, reply),
        zone: resolveZone(user.timeZone ?? undefined) ?? prefs.zone ?? 'UTC',
        hours: hoursFromWeekly(DEFAULT_WEEKLY),
        errors: {},
        now: s.kernel.clock.now(),
        cycle: prefs.hourCycle,
        suggest: !user.timeZone,
      }),
    );
  });

  app.post('/scheduling/setup', { schema: { hide: true } }, async (request, reply) => {
    const user = await signedIn(deps, request, reply);
    if (!user) return reply;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const typed = typeof body.timezone === 'string' ? body.timezone.trim() : '';
    const zone = resolveZone(typed);
    let hours = readHoursForm(body);
    const edit = typeof body.edit === 'string' ? body.edit : '';
    const errors: FieldErrors = {};
    if (!edit && !zone)
      errors.timezone = typed
        ? `We don’t know the time zone “${typed.slice(0, 64)}”. Type a city or a name like Europe/Paris and pick it from the list.`
        : 'Choose your time zone.';
    const checked = checkHoursForm(hours);
    if (!edit) Object.assign(errors, checked.errors);
    if (edit || Object.keys(errors).length) {
      if (edit) hours = editHoursForm(hours, edit);
      const prefs = visitorPrefs(request);
      return sendPage(
        reply,
        edit ? 200 : 400,
        setupPage({
          user,
          csrfToken: deps.csrf.token(request, reply),
          zone: typed,
          hours,
          errors,
          now: s.kernel.clock.now(),
          cycle: prefs.hourCycle,
          suggest: false,
        }),
      );
    }
    const host = await s.hosts.ensure(user.id, zone);
    if (host.timezone !== zone) await s.hosts.changeTimeZone(user.id, zone!);
    const schedule = (await s.schedules.list(user.id)).find((one) => one.isDefault);
    if (schedule) await s.schedules.update(user.id, schedule.id, { timezone: zone, weekly: checked.weekly });
    return seeOther(reply, withNotice('/scheduling', 'setup'));
  });
}
