import { html, type Html } from '../../../ui/html.ts';
import { LOCATION_KINDS } from '../../event-types/event-type.ts';
import type { Schedule } from '../../schedules/schedule.ts';
import { fieldAttributes, fieldError, type FieldErrors } from './field-errors.ts';
import { locationLabel } from './location-label.ts';

/** The event type form's fields as text, as shown and as posted. */
export interface EventTypeFormValues {
  name: string;
  slug: string;
  durations: string;
  location_kind: string;
  location_value: string;
  description: string;
  buffer_before: string;
  buffer_after: string;
  minimum_notice: string;
  daily_limit: string;
  booking_window: string;
  slot_interval: string;
  schedule_id: string;
}

/** Field ids in the order they appear (the first refused one gets focus). */
export const EVENT_TYPE_FIELDS = [
  'et-name',
  'et-slug',
  'et-durations',
  'et-location',
  'et-location-value',
  'et-description',
  'et-before',
  'et-after',
  'et-notice',
  'et-limit',
  'et-window',
  'et-interval',
  'et-schedule',
] as const;

/** The fields of an event type form; a refused field keeps what was typed and says why above it. */
export function eventTypeFields(
  v: EventTypeFormValues,
  schedules: Schedule[],
  errors: FieldErrors,
  pagePrefix: string,
  /** A new, untouched form: the name field takes focus. */
  fresh = false,
): Html {
  const input = (id: string, name: keyof EventTypeFormValues, label: string, extra: Html, hint?: string) =>
    html`<label for="${id}">${label}</label>${fieldError(errors, id)}<input id="${id}" name="${name}" value="${v[name]}"${extra}${fieldAttributes(errors, id, hint ? `${id}-hint` : undefined)}>${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}`;
  const minutes = (
    id: string,
    name: keyof EventTypeFormValues,
    label: string,
    hint: string,
    min: number,
    max: number,
  ) =>
    html`<div>${input(id, name, label, html` type="number" inputmode="numeric" min="${min}" max="${max}"`, hint)}</div>`;
  return html`${input('et-name', 'name', 'Name', html` required maxlength="100"${fresh && !Object.keys(errors).length ? html` autofocus` : ''}`, 'What invitees see, e.g. “30-minute call”.')}
<label for="et-slug">Link</label>${fieldError(errors, 'et-slug')}
<div class="prefixed"><span aria-hidden="true">${pagePrefix}</span><input id="et-slug" name="slug" value="${v.slug}" maxlength="50" autocapitalize="none" spellcheck="false"${fieldAttributes(errors, 'et-slug', 'et-slug-hint')}></div>
<p class="hint" id="et-slug-hint">Leave empty to make one from the name.</p>
${input('et-durations', 'durations', 'Durations (minutes)', html` required inputmode="numeric"`, 'One or more, separated by commas; the first is the default (e.g. 30, 60).')}
<div class="row"><div><label for="et-location">Location</label>${fieldError(errors, 'et-location')}<select id="et-location" name="location_kind"${fieldAttributes(errors, 'et-location')}>${LOCATION_KINDS.map((k) => html`<option value="${k}"${v.location_kind === k ? html` selected` : ''}>${locationLabel(k)}</option>`)}</select></div>
<div>${input('et-location-value', 'location_value', 'Location details', html` maxlength="500"`, 'An address, phone number or meeting link; shown once booked.')}</div></div>
<label for="et-description">Description</label>${fieldError(errors, 'et-description')}<textarea id="et-description" name="description" rows="3" maxlength="5000"${fieldAttributes(errors, 'et-description')}>${v.description}</textarea>
<fieldset><legend>Rules</legend>
<div class="row">
${minutes('et-before', 'buffer_before', 'Buffer before', 'Free minutes kept before each meeting.', 0, 720)}
${minutes('et-after', 'buffer_after', 'Buffer after', 'Free minutes kept after each meeting.', 0, 720)}
${minutes('et-notice', 'minimum_notice', 'Minimum notice', 'Minutes between booking and the meeting.', 0, 525600)}
${minutes('et-limit', 'daily_limit', 'Daily limit', 'Most meetings a day; empty for no limit.', 1, 1000)}
${minutes('et-window', 'booking_window', 'Booking window (days)', 'How far ahead people can book; empty for no limit.', 1, 3650)}
${minutes('et-interval', 'slot_interval', 'Start times every (minutes)', 'Empty: every meeting length.', 5, 720)}
</div></fieldset>
<label for="et-schedule">Availability</label>${fieldError(errors, 'et-schedule')}<select id="et-schedule" name="schedule_id"${fieldAttributes(errors, 'et-schedule')}><option value="">Default schedule</option>${schedules.map((s) => html`<option value="${s.id}"${v.schedule_id === s.id ? html` selected` : ''}>${s.name} (${s.timezone})</option>`)}</select>`;
}
