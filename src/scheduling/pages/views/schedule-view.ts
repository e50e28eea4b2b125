import { DateTime } from 'luxon';
import { html, type Html } from '../../../ui/html.ts';
import type { Schedule } from '../../schedules/schedule.ts';
import type { HostContext } from '../host/host-context.ts';
import type { HoursForm } from '../host/hours-form.ts';
import { csrfField } from './errors-view.ts';
import { errorSummary, fieldAttributes, fieldError, type FieldErrors } from './field-errors.ts';
import { hostPage } from './host/host-shell.ts';
import { clockText, zoneMismatch } from './host/schedule-bits.ts';
import { weeklyHoursFields } from './host/weekly-hours.ts';
import { zoneField } from './host/zone-field.ts';

export interface ScheduleView {
  c: HostContext;
  schedule: Schedule;
  /** The hours form as shown: stored, or as sent when refused (or while adding a range). */
  hours: HoursForm;
  /** Typed values of the page's forms (name, zone, override and out-of-office fields). */
  values: Record<string, string>;
  errors: FieldErrors;
  now: number;
}

/** One schedule: its zone and weekly hours, then date overrides and out-of-office days. */
export function schedulePage(v: ScheduleView): string {
  const { c, schedule: s, errors } = v;
  const base = `/scheduling/schedules/${s.id}`;
  const today = DateTime.fromMillis(v.now, { zone: s.timezone }).toISODate()!;
  const value = (name: string, fallback = '') => v.values[name] ?? fallback;
  return hostPage({
    user: c.user,
    title: s.name,
    tab: 'availability',
    notice: c.notice,
    body: html`<p class="crumbs"><a href="/scheduling/availability">Availability</a></p>
<h1>${s.name}${s.isDefault ? html` <span class="badge">Default</span>` : ''}</h1>
${errorSummary(errors, 'Please check the fields marked below.')}
${zoneMismatch(s, c.host.timezone, c.csrfToken, base)}
<form method="post" action="${base}" novalidate>${csrfField(c.csrfToken)}
<button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">Save hours</button>
<label for="sc-name">Name</label>
${fieldError(errors, 'sc-name')}
<input id="sc-name" name="name" value="${value('name', s.name)}" required maxlength="100"${fieldAttributes(errors, 'sc-name')}>
${zoneField({
  id: 'sc-tz',
  name: 'timezone',
  label: 'Time zone of these hours',
  value: value('timezone', s.timezone),
  errors,
  hint: `Your own time zone is ${c.host.timezone}.`,
  now: v.now,
  cycle: c.prefs.hourCycle,
})}
${weeklyHoursFields(v.hours, errors, value('timezone', s.timezone))}
${s.isDefault ? '' : html`<label class="check"><input type="checkbox" name="is_default" value="1"> Make this the default schedule</label>`}
<button type="submit">Save hours</button>
</form>

<section aria-labelledby="overrides-heading">
<h2 id="overrides-heading">Date overrides</h2>
<p class="hint">Other hours, or none, on one date.</p>
${
  s.overrides.length
    ? html`<ul class="rows">${s.overrides.map(
        (
          o,
        ) => html`<li><span>${longDay(o.date)}: ${o.intervals.length ? o.intervals.map((i) => `${clockText(i.start, c.prefs.hourCycle)}–${clockText(i.end, c.prefs.hourCycle)}`).join(', ') : 'closed'}</span>
<form method="post" action="${base}/overrides/${o.date}/delete">${csrfField(c.csrfToken)}<button type="submit" class="link">Remove<span class="visually-hidden"> the override of ${longDay(o.date)}</span></button></form></li>`,
      )}</ul>`
    : ''
}
<form method="post" action="${base}/overrides" class="sub-form" novalidate>${csrfField(c.csrfToken)}
<div class="row"><div><label for="ov-date">Date</label>${fieldError(errors, 'ov-date')}<input type="date" id="ov-date" name="date" min="${today}" value="${value('date')}" required${fieldAttributes(errors, 'ov-date')}></div>
<div><label for="ov-start">From</label>${fieldError(errors, 'ov-start')}<input type="time" id="ov-start" name="start" step="300" value="${value('start')}"${fieldAttributes(errors, 'ov-start', 'ov-hint')}></div>
<div><label for="ov-end">Until</label>${fieldError(errors, 'ov-end')}<input type="time" id="ov-end" name="end" step="300" value="${value('end')}"${fieldAttributes(errors, 'ov-end', 'ov-hint')}></div></div>
<label class="check"><input type="checkbox" name="closed" value="1"${value('closed') === '1' ? html` checked` : ''} aria-describedby="ov-hint"> Closed all day</label>
<p class="hint" id="ov-hint">Give the hours of that day, or tick “Closed all day”.</p>
<button type="submit" class="secondary">Add override</button>
</form>
</section>

<section aria-labelledby="ooo-heading">
<h2 id="ooo-heading">Out of office</h2>
<p class="hint">Whole days with no bookings, first and last day included.</p>
${
  s.outOfOffice.length
    ? html`<ul class="rows">${s.outOfOffice.map(
        (o, i) => html`<li><span>${longDay(o.from)} to ${longDay(o.to)}${o.reason ? ` (${o.reason})` : ''}</span>
<form method="post" action="${base}/ooo/${i}/delete">${csrfField(c.csrfToken)}<button type="submit" class="link">Remove<span class="visually-hidden"> ${longDay(o.from)} to ${longDay(o.to)}</span></button></form></li>`,
      )}</ul>`
    : ''
}
<form method="post" action="${base}/ooo" class="sub-form" novalidate>${csrfField(c.csrfToken)}
<div class="row"><div><label for="ooo-from">First day</label>${fieldError(errors, 'ooo-from')}<input type="date" id="ooo-from" name="from" min="${today}" value="${value('from')}" required${fieldAttributes(errors, 'ooo-from')}></div>
<div><label for="ooo-to">Last day</label>${fieldError(errors, 'ooo-to')}<input type="date" id="ooo-to" name="to" min="${today}" value="${value('to')}" required${fieldAttributes(errors, 'ooo-to')}></div></div>
<label for="ooo-reason">Reason <span class="hint">(optional, only you see it)</span></label><input id="ooo-reason" name="reason" maxlength="200" value="${value('reason')}">
<button type="submit" class="secondary">Block these dates</button>
</form>
</section>
${deleteSection(s, base)}`,
  });
}

function deleteSection(s: Schedule, base: string): Html | '' {
  if (s.isDefault) return '';
  return html`<section aria-labelledby="delete-heading"><h2 id="delete-heading">Delete this schedule</h2>
<p class="hint">Event types using it fall back to your default schedule.</p>
<p><a href="${base}/delete" class="button danger">Delete ${s.name}…</a></p></section>`;
}

function longDay(date: string): string {
  return DateTime.fromISO(date).toFormat('ccc d LLL yyyy');
}
