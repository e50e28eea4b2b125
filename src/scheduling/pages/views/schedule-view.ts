import type { User } from '../../../accounts/index.ts';
import { displayName } from '../../../accounts/index.ts';
import { html } from '../../../ui/html.ts';
import { page } from '../../../ui/layout.ts';
import type { SchedulingError } from '../../errors.ts';
import { WEEKDAYS, type Schedule } from '../../schedules/schedule.ts';
import { formatIntervals } from '../form-parsing.ts';
import { csrfField, errorBlock } from './errors-view.ts';

const DAY_NAMES: Record<string, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** One schedule: weekly hours per day, date overrides and out-of-office ranges. */
export function schedulePage(user: User, s: Schedule, csrfToken: string, error?: SchedulingError): string {
  const base = `/scheduling/schedules/${s.id}`;
  return page({
    title: s.name,
    signedInAs: displayName(user),
    body: html`<h1>${s.name}</h1>
${errorBlock(error)}
<form method="post" action="${base}">${csrfField(csrfToken)}
<label for="sc-name">Name</label><input id="sc-name" name="name" value="${s.name}" required>
<label for="sc-tz">Time zone</label><input id="sc-tz" name="timezone" value="${s.timezone}" required>
<p class="hint">Hours per day like 09:00-12:00, 13:00-17:00; leave empty when unavailable.</p>
${WEEKDAYS.map((day) => html`<label for="sc-${day}">${DAY_NAMES[day]}</label><input id="sc-${day}" name="${day}" value="${formatIntervals(s.weekly.filter((w) => w.day === day))}">`)}
<label><input type="checkbox" name="is_default" value="1"${s.isDefault ? html` checked` : ''}> Default schedule</label>
<button type="submit">Save hours</button>
</form>
<h2>Date overrides</h2>
<ul>${s.overrides.map(
      (o) => html`<li>${o.date}: ${o.intervals.length ? formatIntervals(o.intervals) : 'closed'}
<form method="post" action="${base}/overrides/${o.date}/delete">${csrfField(csrfToken)}<button type="submit" class="link">Remove</button></form></li>`,
    )}</ul>
<form method="post" action="${base}/overrides">${csrfField(csrfToken)}
<label for="ov-date">Date (YYYY-MM-DD)</label><input id="ov-date" name="date" required>
<label for="ov-hours">Hours that day (empty: closed)</label><input id="ov-hours" name="hours">
<button type="submit" class="secondary">Add override</button></form>
<h2>Out of office</h2>
<ul>${s.outOfOffice.map(
      (o, i) => html`<li>${o.from} to ${o.to}${o.reason ? ` (${o.reason})` : ''}
<form method="post" action="${base}/ooo/${i}/delete">${csrfField(csrfToken)}<button type="submit" class="link">Remove</button></form></li>`,
    )}</ul>
<form method="post" action="${base}/ooo">${csrfField(csrfToken)}
<label for="ooo-from">From (YYYY-MM-DD)</label><input id="ooo-from" name="from" required>
<label for="ooo-to">To (YYYY-MM-DD, inclusive)</label><input id="ooo-to" name="to" required>
<label for="ooo-reason">Reason</label><input id="ooo-reason" name="reason">
<button type="submit" class="secondary">Block these dates</button></form>
${s.isDefault ? '' : html`<form method="post" action="${base}/delete">${csrfField(csrfToken)}<button type="submit" class="secondary">Delete schedule</button></form>`}
<p><a href="/scheduling">Back</a></p>`,
  });
}
