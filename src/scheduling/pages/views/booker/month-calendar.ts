import { DateTime } from 'luxon';
import { html, type Html } from '../../../../ui/html.ts';
import type { BookerState } from '../../public/booker-state.ts';
import { dayAndMonth, monthAndYear, weekdayNames } from '../../visitor/format.ts';
import { bookerLink, type BookerPlace } from './booker-link.ts';

/**
 * The month as a table of weeks: days with free times are links, the others plain. Without
 * scripts every link is a tab stop; the booking script turns the table into an ARIA grid with
 * one tab stop and arrow keys (booking-calendar.ts), reading the dates from `data-date`.
 */
export function monthCalendar(place: BookerPlace, state: BookerState): Html {
  const first = DateTime.fromISO(`${state.month}-01`, { zone: state.tz });
  const lead = (first.weekday - state.prefs.weekStart + 7) % 7;
  const cells: Array<DateTime | undefined> = [
    ...Array.from({ length: lead }, () => undefined),
    ...Array.from({ length: first.daysInMonth! }, (_, i) => first.plus({ days: i })),
  ];
  while (cells.length % 7) cells.push(undefined);
  const weeks = Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
  const heads = Array.from({ length: 7 }, (_, i) => weekdayNames(first.plus({ days: i - lead }).toMillis(), state.tz));
  const title = monthAndYear(first.toMillis(), state.tz);
  const monthLink = (month: string | undefined, rel: 'prev' | 'next', label: string, arrow: string) =>
    month
      ? html`<a class="month-nav" href="${bookerLink(place, state, { month, date: null })}" rel="${rel}" data-swap aria-label="${label}"><span aria-hidden="true">${arrow}</span></a>`
      : html`<span class="month-nav off" aria-hidden="true">${arrow}</span>`;
  return html`<section class="booker-calendar" aria-labelledby="month-heading">
<div class="month-head"><h2 id="month-heading">${title}</h2>
${monthLink(state.prevMonth, 'prev', 'Previous month', '‹')}${monthLink(state.nextMonth, 'next', 'Next month', '›')}</div>
<table class="month" aria-labelledby="month-heading" data-month="${state.month}" data-prev="${state.prevMonth ?? ''}" data-next="${state.nextMonth ?? ''}">
<thead><tr>${heads.map(([short, long]) => html`<th scope="col"><abbr title="${long}">${short}</abbr></th>`)}</tr></thead>
<tbody>${weeks.map((week) => html`<tr>${week.map((day) => dayCell(place, state, day))}</tr>`)}</tbody>
</table>
${state.days.size ? '' : html`<p class="hint" id="month-empty">No free times in ${title}.${state.nextMonth ? html` <a href="${bookerLink(place, state, { month: state.nextMonth, date: null })}" data-swap>Look in the next month</a>` : ''}</p>`}
</section>`;
}

function dayCell(place: BookerPlace, state: BookerState, day: DateTime | undefined): Html {
  if (!day) return html`<td class="pad"></td>`;
  const iso = day.toISODate()!;
  const slots = state.days.get(iso);
  const name = dayAndMonth(day.toMillis(), state.tz, state.prefs);
  const today = iso === state.today;
  const classes = ['day', slots ? 'open' : '', today ? 'today' : '', iso === state.date ? 'selected' : '']
    .filter(Boolean)
    .join(' ');
  const number = html`<span aria-hidden="true">${day.day}</span>`;
  if (!slots)
    return html`<td class="${classes}" data-date="${iso}"><span class="visually-hidden">${name}${today ? ', today' : ''}, no free times</span>${number}</td>`;
  const count = `${slots.length} free time${slots.length === 1 ? '' : 's'}`;
  return html`<td class="${classes}" data-date="${iso}"><a href="${bookerLink(place, state, { date: iso })}" data-swap${iso === state.date ? html` aria-current="true"` : ''}><span class="visually-hidden">${name}${today ? ', today' : ''}, ${count}</span>${number}</a></td>`;
}
