import { html, type Html } from './html.ts';

/** Problems of a form, by field id, in the order the fields appear; each in words a person reads. */
export type FieldErrors = Record<string, string>;

/** The message right above a field, tied to it by id (`{id}-error`). */
export function fieldError(errors: FieldErrors, id: string): Html | '' {
  return errors[id] ? html`<p class="error field-error" id="${id}-error">${errors[id]}</p>` : '';
}

/**
 * A field's attributes: aria-invalid and aria-describedby when it has a problem (plus its hint),
 * and autofocus on the first field with one, so focus lands there without scripts.
 */
export function fieldAttributes(errors: FieldErrors, id: string, hintId?: string): Html {
  const problem = errors[id] !== undefined;
  const described = [problem ? `${id}-error` : '', hintId ?? ''].filter(Boolean).join(' ');
  const first = Object.keys(errors)[0] === id;
  return html`${problem ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}${first ? html` autofocus` : ''}`;
}

/** The summary read out first: what went wrong, with a link to each field. */
export function errorSummary(errors: FieldErrors, intro: string, labels: Record<string, string> = {}): Html | '' {
  const ids = Object.keys(errors).filter((id) => id !== 'form');
  if (!ids.length && !errors.form) return '';
  return html`<div class="error error-summary" role="alert"><p>${errors.form ?? intro}</p>${ids.length > 1 ? html`<ul>${ids.map((id) => html`<li><a href="#${id}">${labels[id] ? `${labels[id]}: ` : ''}${errors[id]}</a></li>`)}</ul>` : ''}</div>`;
}

// Forms that use these errors carry `novalidate`: the browser's own bubbles vanish and speak in
// the browser's words; the server's answer marks each field and keeps what was typed instead.
