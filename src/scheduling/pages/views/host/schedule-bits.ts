import { html, type Html } from '../../../../ui/html.ts';
import { WEEKDAYS, type Schedule } from '../../../schedules/schedule.ts';
import type { HourCycle } from '../../visitor/visitor-prefs.ts';
import { csrfField } from '../errors-view.ts';

/** "13:30" as the host reads times: "1:30 PM" or "13:30" ("24:00" is midnight). */
export function clockText(clock: string, cycle: HourCycle): string {
  const [h, m] = clock.split(':').map(Number) as [number, number];
  if (cycle === 'h23') return clock;
  const hour = h % 12 === 0 ? 12 : h % 12;
  return `${hour}:${String(m).padStart(2, '0')} ${h % 24 < 12 ? 'AM' : 'PM'}`;
}

/** "Mon 9:00 AM–5:00 PM · Tue …", or "No weekly hours". */
export function weeklySummary(schedule: Schedule, cycle: HourCycle): string {
  const days = WEEKDAYS.map((day) => {
    const ranges = schedule.weekly.filter((w) => w.day === day);
    if (!ranges.length) return '';
    const name = day[0]!.toUpperCase() + day.slice(1);
    return `${name} ${ranges.map((r) => `${clockText(r.start, cycle)}–${clockText(r.end, cycle)}`).join(', ')}`;
  }).filter(Boolean);
  return days.length ? days.join(' · ') : 'No weekly hours';
}

/**
 * When a schedule's zone is not the host's: both named, and a one-click fix that keeps the hours
 * and moves them to the host's zone (so availability is never silently an hour off).
 */
export function zoneMismatch(schedule: Schedule, hostZone: string, csrfToken: string, back: string): Html | '' {
  if (schedule.timezone === hostZone) return '';
  return html`<div class="warning" id="zone-warning-${schedule.id}">
<p>These hours are in <strong>${schedule.timezone}</strong>, but your time zone is <strong>${hostZone}</strong>.</p>
<form method="post" action="/scheduling/schedules/${schedule.id}/timezone">${csrfField(csrfToken)}<input type="hidden" name="timezone" value="${hostZone}"><input type="hidden" name="back" value="${back}">
<button type="submit" class="secondary small">Use ${hostZone} for these hours</button></form>
</div>`;
}
