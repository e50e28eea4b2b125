import { html, type Html } from '../../../../ui/html.ts';
import type { Slot } from '../../../slots/compute-slots.ts';
import { toIsoUtc } from '../../../time.ts';
import type { BookerState } from '../../public/booker-state.ts';
import { longDate, timeRange, utcOffset } from '../../visitor/format.ts';
import { csrfField } from '../errors-view.ts';
import { errorSummary, fieldAttributes, fieldError, type FieldErrors } from '../field-errors.ts';

/** The picked time, written out in the visitor's zone. */
export function pickedTime(state: BookerState, slot: Slot): Html {
  return html`<p class="when"><strong>${longDate(slot.start, state.tz, state.prefs)}</strong><br>${timeRange(slot.start, slot.end, state.tz, state.cycle)} <span class="hint">${state.tz} (${utcOffset(slot.start, state.tz)})</span></p>`;
}

/** Name and email for a picked time; a refused field keeps what was typed and says why beside it. */
export function detailsForm(
  action: string,
  csrfToken: string,
  state: BookerState,
  slot: Slot,
  values: { name?: string; email?: string } = {},
  errors: FieldErrors = {},
): Html {
  return html`<section aria-labelledby="details-heading">
<h2 id="details-heading">Your details</h2>
${pickedTime(state, slot)}
${errorSummary(errors, 'Please check the fields marked below.', { name: 'Your name', email: 'Your email' })}
<form method="post" action="${action}" novalidate>${csrfField(csrfToken)}
<input type="hidden" name="start" value="${toIsoUtc(slot.start)}"><input type="hidden" name="tz" value="${state.tz}"><input type="hidden" name="duration" value="${state.duration}">${state.cycleChosen ? html`<input type="hidden" name="clock" value="${state.cycle === 'h12' ? '12h' : '24h'}">` : ''}
<label for="name">Your name</label>
${fieldError(errors, 'name')}
<input id="name" name="name" value="${values.name ?? ''}" autocomplete="name" maxlength="200" required${fieldAttributes(errors, 'name')}>
<label for="email">Your email</label>
${fieldError(errors, 'email')}
<input id="email" type="email" name="email" value="${values.email ?? ''}" autocomplete="email" maxlength="254" required${fieldAttributes(errors, 'email', 'email-hint')}>
<p class="hint" id="email-hint">The confirmation and a calendar invitation go to this address.</p>
<button type="submit">Confirm booking</button>
</form>
</section>`;
}
