import { displayName, supportedTimeZones, type User } from '../../accounts/index.ts';
import { html, type Html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';

export interface ProfileForm {
  name: string;
  timeZone: string;
}

export interface ProfilePageOptions {
  user: User;
  csrfToken: string;
  values: ProfileForm;
  errors?: Partial<Record<keyof ProfileForm, string>>;
}

/** Name and time zone; the zone is a list (grouped by region) so a keyboard can type-ahead. */
export function profilePage({ user, csrfToken, values, errors = {} }: ProfilePageOptions): string {
  const problem = (field: keyof ProfileForm, id: string) =>
    errors[field] ? html`<p class="error field-error" id="${id}">${errors[field]}</p>` : '';
  const invalid = (field: keyof ProfileForm, id: string) =>
    errors[field] ? html` aria-invalid="true" aria-describedby="${id}"` : '';
  return page({
    title: 'Edit profile',
    signedInAs: displayName(user),
    nav: 'account',
    // Suggests the browser's time zone; the form works without it.
    scripts: ['/assets/account-profile.js'],
    body: html`<h1>Edit profile</h1>
${Object.keys(errors).length ? html`<p class="error" role="alert">Check the fields marked below.</p>` : ''}
<form method="post" action="/account/profile">
<input type="hidden" name="csrf" value="${csrfToken}">
<label for="name">Name</label>
${problem('name', 'name-error')}
<input id="name" name="name" type="text" autocomplete="name" maxlength="200" value="${values.name}"${invalid('name', 'name-error')}>
<p class="hint">Shown to apps you allow to see your profile. Leave empty to show your email or phone instead.</p>
<label for="time_zone">Time zone</label>
${problem('timeZone', 'tz-error')}
<select id="time_zone" name="time_zone"${errors.timeZone ? html` aria-invalid="true"` : ''} aria-describedby="${errors.timeZone ? 'tz-error ' : ''}tz-suggestion tz-hint">${timeZoneOptions(values.timeZone)}</select>
<p class="hint" id="tz-suggestion" role="status" hidden></p>
<p class="hint" id="tz-hint">Used to show times to you and to apps that can see your profile.</p>
<div class="actions"><button type="submit">Save profile</button><a class="button secondary" href="/account">Cancel</a></div>
</form>`,
  });
}

function timeZoneOptions(selected: string): Html {
  const zones = supportedTimeZones();
  // Keep a stored zone visible even if this runtime lists it under another (alias) name.
  if (selected && !zones.includes(selected)) zones.push(selected);
  const groups = new Map<string, string[]>();
  for (const zone of zones) {
    const region = zone.includes('/') ? zone.slice(0, zone.indexOf('/')) : 'Other';
    groups.set(region, [...(groups.get(region) ?? []), zone]);
  }
  const option = (zone: string) => html`<option${zone === selected ? html` selected` : ''}>${zone}</option>`;
  return html`<option value=""${selected ? '' : html` selected`}>Not set</option>${[...groups].map(
    ([region, list]) => html`<optgroup label="${region}">${list.map(option)}</optgroup>`,
  )}`;
}
