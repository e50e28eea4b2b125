import { html, type Html } from '../../../../ui/html.ts';
import { zoneDatalist } from '../zone-datalist.ts';
import type { HourCycle } from '../../visitor/visitor-prefs.ts';
import { fieldAttributes, fieldError, type FieldErrors } from '../field-errors.ts';

export interface ZoneFieldOptions {
  id: string;
  name: string;
  label: string;
  value: string;
  errors: FieldErrors;
  hint: string;
  /** The host script may replace the value with the browser's zone (first set-up only). */
  suggestFromBrowser?: boolean;
  now: number;
  cycle: HourCycle;
}

/**
 * A time zone: a text field with every zone as a suggestion (its time now and UTC offset); a
 * city is enough ("paris"). The host script turns it into the same searchable list as the
 * booking page's.
 */
export function zoneField(o: ZoneFieldOptions): Html {
  return html`<div class="zone-field">
<label for="${o.id}">${o.label}</label>
${fieldError(o.errors, o.id)}
<div class="zone-row"><input id="${o.id}" name="${o.name}" value="${o.value}" list="${o.id}-list" autocomplete="off" spellcheck="false" required data-zone-input${o.suggestFromBrowser ? html` data-suggest="browser"` : ''}${fieldAttributes(o.errors, o.id, `${o.id}-hint`)}></div>
<p class="hint" id="${o.id}-hint">${o.hint}</p>
${zoneDatalist(`${o.id}-list`, o.now, o.cycle)}
</div>`;
}
