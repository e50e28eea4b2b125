import { html, type Html } from '../../../ui/html.ts';
import { LOCATION_KINDS, type EventType } from '../../event-types/event-type.ts';
import type { Schedule } from '../../schedules/schedule.ts';

const LOCATION_LABELS: Record<string, string> = {
  google_meet: 'Google Meet',
  zoom: 'Zoom',
  phone: 'Phone',
  in_person: 'In person',
  link: 'Link',
};

/** The fields of an event type form, filled from `e` when editing. */
export function eventTypeFields(e: EventType | undefined, schedules: Schedule[]): Html {
  const num = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return html`<label for="et-name">Name</label><input id="et-name" name="name" value="${e?.name ?? ''}" required>
<label for="et-slug">Link name (optional)</label><input id="et-slug" name="slug" value="${e?.slug ?? ''}">
<label for="et-durations">Durations in minutes, default first</label><input id="et-durations" name="durations" value="${e ? e.durations.join(', ') : '30'}">
<label for="et-location">Location</label><select id="et-location" name="location_kind">${LOCATION_KINDS.map((k) => html`<option value="${k}"${e?.location.kind === k ? html` selected` : ''}>${LOCATION_LABELS[k]}</option>`)}</select>
<label for="et-location-value">Location details (address, number or link)</label><input id="et-location-value" name="location_value" value="${e?.location.value ?? ''}">
<label for="et-before">Buffer before (minutes)</label><input id="et-before" name="buffer_before" value="${num(e?.bufferBeforeMin ?? 0)}">
<label for="et-after">Buffer after (minutes)</label><input id="et-after" name="buffer_after" value="${num(e?.bufferAfterMin ?? 0)}">
<label for="et-notice">Minimum notice (minutes)</label><input id="et-notice" name="minimum_notice" value="${num(e?.minimumNoticeMin ?? 0)}">
<label for="et-limit">Daily limit (empty: none)</label><input id="et-limit" name="daily_limit" value="${num(e?.dailyLimit)}">
<label for="et-window">Booking window in days (empty: none)</label><input id="et-window" name="booking_window" value="${num(e?.bookingWindowDays)}">
<label for="et-interval">Slot interval in minutes (empty: the duration)</label><input id="et-interval" name="slot_interval" value="${num(e?.slotIntervalMin)}">
<label for="et-schedule">Availability</label><select id="et-schedule" name="schedule_id"><option value="">Default schedule</option>${schedules.map((s) => html`<option value="${s.id}"${e?.scheduleId === s.id ? html` selected` : ''}>${s.name}</option>`)}</select>
<label for="et-description">Description</label><input id="et-description" name="description" value="${e?.description ?? ''}">`;
}
