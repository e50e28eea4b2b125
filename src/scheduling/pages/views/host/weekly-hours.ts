import { html, type Html } from '../../../../ui/html.ts';
import { WEEKDAYS, type Weekday } from '../../../schedules/schedule.ts';
import { DAY_NAMES, type HoursForm, type HoursRange } from '../../host/hours-form.ts';
import { fieldAttributes, fieldError, type FieldErrors } from '../field-errors.ts';

/**
 * Weekly hours, a row per day: a switch for the day and its ranges as time fields. "Add hours"
 * and "Remove" send the form back without saving when there are no scripts; the host script
 * adds and removes rows in place instead (`data-edit`).
 */
export function weeklyHoursFields(form: HoursForm, errors: FieldErrors, zone: string): Html {
  return html`<fieldset class="hours" aria-describedby="hours-hint"><legend>Weekly hours</legend>
<p class="hint" id="hours-hint">In ${zone}. Turn on the days you take meetings; add a second range for a break.</p>
${WEEKDAYS.map((day) => dayRow(day, form[day], errors))}
</fieldset>`;
}

function dayRow(day: Weekday, value: { on: boolean; ranges: HoursRange[] }, errors: FieldErrors): Html {
  return html`<div class="day-hours" data-day="${day}">
<label class="check day-switch"><input type="checkbox" id="${day}-on" name="${day}-on" value="1"${value.on ? html` checked` : ''}> ${DAY_NAMES[day]}</label>
<div class="ranges" id="${day}-ranges">
${value.ranges.map((range, i) => rangeRow(day, range, i, errors))}
<p class="hint off-note">${value.on && value.ranges.length ? '' : 'Unavailable'}</p>
<button type="submit" class="link" name="edit" value="add:${day}" formnovalidate data-edit="add">Add hours<span class="visually-hidden"> on ${DAY_NAMES[day]}</span></button>
</div>
</div>`;
}

/** One range; also the script's template for new rows (it replaces the key). */
export function rangeRow(day: Weekday, range: HoursRange, position: number, errors: FieldErrors): Html {
  const id = `${day}-${range.key}`;
  const name = `${DAY_NAMES[day]}, hours ${position + 1}`;
  return html`<div class="range" data-key="${range.key}">
<label for="${id}-start" class="visually-hidden">${name}, from</label><input type="time" id="${id}-start" name="${id}-start" value="${range.start}" step="300"${fieldAttributes(errors, `${id}-start`)}>
<span aria-hidden="true">–</span>
<label for="${id}-end" class="visually-hidden">${name}, until</label><input type="time" id="${id}-end" name="${id}-end" value="${range.end}" step="300"${fieldAttributes(errors, `${id}-end`)}>
<button type="submit" class="link" name="edit" value="remove:${day}:${range.key}" formnovalidate data-edit="remove">Remove<span class="visually-hidden"> ${name}</span></button>
${fieldError(errors, `${id}-start`)}${fieldError(errors, `${id}-end`)}
</div>`;
}
