import { html, type Html } from '../../../ui/html.ts';
import type { ManagedBooking } from '../public/managed-booking.ts';
import { csrfField } from './errors-view.ts';

/**
 * The cancel confirmation: an optional reason, "Yes, cancel" and "No, keep it". The same form
 * is the separate step page without scripts and the dialog on the booking page with them.
 */
export function cancelForm(m: ManagedBooking, csrfToken: string, idPrefix = ''): Html {
  return html`<form method="post" action="/booking/${m.booking.id}/cancel">${csrfField(csrfToken)}<input type="hidden" name="token" value="${m.token}">
<label for="${idPrefix}reason">Reason for cancelling <span class="hint">(optional, shared with ${m.hostName})</span></label>
<textarea id="${idPrefix}reason" name="reason" rows="3" maxlength="1000"></textarea>
<div class="actions"><button type="submit" class="danger">Yes, cancel the meeting</button><a class="button secondary" href="${m.home}" data-close>No, keep it</a></div>
</form>`;
}
