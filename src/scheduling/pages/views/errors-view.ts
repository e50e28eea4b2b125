import { html, type Html } from '../../../ui/html.ts';
import type { SchedulingError } from '../../errors.ts';

/** A form error block: the message and each field problem. */
export function errorBlock(error: SchedulingError | undefined): Html | '' {
  if (!error) return '';
  return html`<div class="error" role="alert"><p>${error.message}</p>${error.details?.length ? html`<ul>${error.details.map((d) => html`<li>${d.path.join('.')}: ${d.message}</li>`)}</ul>` : ''}</div>`;
}

export function csrfField(token: string): Html {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}
