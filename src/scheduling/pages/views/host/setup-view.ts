import type { User } from '../../../../accounts/index.ts';
import { html } from '../../../../ui/html.ts';
import type { HoursForm } from '../../host/hours-form.ts';
import type { HourCycle } from '../../visitor/visitor-prefs.ts';
import { csrfField } from '../errors-view.ts';
import { errorSummary, type FieldErrors } from '../field-errors.ts';
import { hostPage } from './host-shell.ts';
import { weeklyHoursFields } from './weekly-hours.ts';
import { zoneField } from './zone-field.ts';

export interface SetupView {
  user: User;
  csrfToken: string;
  zone: string;
  hours: HoursForm;
  errors: FieldErrors;
  now: number;
  cycle: HourCycle;
  /** The first showing: the script may put the browser's zone in (not over what was typed). */
  suggest: boolean;
}

/** The first visit: a time zone (suggested from the browser) and the weekly hours, then done. */
export function setupPage(v: SetupView): string {
  return hostPage({
    user: v.user,
    title: 'Set up scheduling',
    body: html`<h1>Set up scheduling</h1>
<p>Two things and people can book you: your time zone and the hours you take meetings. You can change both later.</p>
${errorSummary(v.errors, 'Please check the fields marked below.')}
<form method="post" action="/scheduling/setup" class="setup" novalidate>${csrfField(v.csrfToken)}
<button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">Save and continue</button>
${zoneField({
  id: 'timezone',
  name: 'timezone',
  label: 'Your time zone',
  value: v.zone,
  errors: v.errors,
  hint: 'Your hours below are in this zone. Type a city or pick from the list.',
  suggestFromBrowser: v.suggest,
  now: v.now,
  cycle: v.cycle,
})}
${weeklyHoursFields(v.hours, v.errors, 'your time zone')}
<button type="submit">Save and continue</button>
</form>`,
  });
}
