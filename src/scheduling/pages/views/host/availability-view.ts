import { html, type Html } from '../../../../ui/html.ts';
import type { Schedule } from '../../../schedules/schedule.ts';
import type { HostContext } from '../../host/host-context.ts';
import { csrfField } from '../errors-view.ts';
import { errorSummary, fieldAttributes, fieldError, type FieldErrors } from '../field-errors.ts';
import { hostPage } from './host-shell.ts';
import { weeklySummary, zoneMismatch } from './schedule-bits.ts';
import { zoneField } from './zone-field.ts';

export interface AvailabilityView {
  c: HostContext;
  schedules: Schedule[];
  now: number;
  /** The zone typed, when it was refused. */
  zoneTyped?: string | undefined;
  errors?: FieldErrors | undefined;
}

/** The Availability tab: the host's time zone and their schedules, each with its hours at a glance. */
export function availabilityPage(v: AvailabilityView): string {
  const { c } = v;
  const errors = v.errors ?? {};
  return hostPage({
    user: c.user,
    title: 'Availability',
    tab: 'availability',
    notice: c.notice,
    body: html`<h1>Availability</h1>
${errorSummary(errors, 'Please check the field marked below.')}
<section aria-labelledby="zone-heading" class="panel">
<h2 id="zone-heading">Your time zone</h2>
<form method="post" action="/scheduling/timezone" novalidate>${csrfField(c.csrfToken)}
${zoneField({
  id: 'host-timezone',
  name: 'timezone',
  label: 'Time zone',
  value: v.zoneTyped ?? c.host.timezone,
  errors,
  hint: 'Changing it moves the schedules that use it along, keeping their hours.',
  now: v.now,
  cycle: c.prefs.hourCycle,
})}
<button type="submit" class="secondary">Save time zone</button>
</form>
</section>
<section aria-labelledby="schedules-heading">
<h2 id="schedules-heading">Schedules</h2>
<ul class="rows">${v.schedules.map((s) => scheduleRow(s, v))}</ul>
<form method="post" action="/scheduling/schedules" class="inline-form" novalidate>${csrfField(c.csrfToken)}
<label for="new-schedule">New schedule</label>
${fieldError(errors, 'new-schedule')}
<div class="zone-row"><input id="new-schedule" name="name" required maxlength="100" placeholder="e.g. Evenings"${fieldAttributes(errors, 'new-schedule')}><button type="submit" class="secondary">Add schedule</button></div>
</form>
</section>`,
  });
}

function scheduleRow(s: Schedule, v: AvailabilityView): Html {
  return html`<li class="schedule"><div>
<p class="row-title"><a href="/scheduling/schedules/${s.id}">${s.name}</a>${s.isDefault ? html` <span class="badge">Default</span>` : ''}</p>
<p class="hint">${s.timezone} · ${weeklySummary(s, v.c.prefs.hourCycle)}</p>
${zoneMismatch(s, v.c.host.timezone, v.c.csrfToken, '/scheduling/availability')}
</div></li>`;
}
