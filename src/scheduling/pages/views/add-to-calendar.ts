import { icsTime } from '../../email/ics.ts';
import { toIsoUtc } from '../../time.ts';

/** What a calendar link carries: no manage link (it is a credential and would leave for a third party). */
export interface CalendarEntry {
  title: string;
  start: number;
  end: number;
  location: string;
  details: string;
}

/** Google Calendar's event template: `dates` is start/end in UTC basic format (20260330T070000Z/…). */
export function googleCalendarUrl(e: CalendarEntry): string {
  const query = new URLSearchParams({
    action: 'TEMPLATE',
    text: e.title,
    dates: `${icsTime(e.start)}/${icsTime(e.end)}`,
    details: e.details,
    location: e.location,
  });
  return `https://calendar.google.com/calendar/render?${query.toString()}`;
}

/** Outlook's compose deep link, for outlook.live.com (personal) or outlook.office.com (work or school). */
export function outlookCalendarUrl(e: CalendarEntry, host: 'outlook.live.com' | 'outlook.office.com'): string {
  const query = new URLSearchParams({
    path: '/calendar/action/compose',
    rru: 'addevent',
    subject: e.title,
    startdt: toIsoUtc(e.start),
    enddt: toIsoUtc(e.end),
    body: e.details,
    location: e.location,
  });
  return `https://${host}/calendar/0/deeplink/compose?${query.toString()}`;
}
