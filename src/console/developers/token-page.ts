import type { User } from '../../accounts/index.ts';
import type { ScopeRegistry } from '../../kernel/scope-registry.ts';
import { html } from '../../ui/html.ts';
import { consolePage } from './pages.ts';
import { isProductScope, scopeGroups } from './scope-groups.ts';

export interface TokenForm {
  name: string;
  scopes: string[];
  expiresIn: string;
}

export const TOKEN_EXPIRY_CHOICES: Array<{ value: string; label: string; seconds?: number }> = [
  { value: '30d', label: '30 days', seconds: 30 * 86_400 },
  { value: '90d', label: '90 days', seconds: 90 * 86_400 },
  { value: '1y', label: '1 year', seconds: 365 * 86_400 },
  { value: 'never', label: 'Never (until you revoke it)' },
];

export interface TokenPageView {
  user: User;
  csrfToken: string;
  registry: ScopeRegistry;
  form: TokenForm;
  errors?: Partial<Record<'name' | 'scopes' | 'form', string>>;
}

/** /developers/tokens/new: a name, the API scopes, an expiry. */
export function newTokenPage({ user, csrfToken, registry, form, errors = {} }: TokenPageView): string {
  const groups = scopeGroups(registry, (scope) => isProductScope(registry, scope));
  const err = (field: 'name' | 'scopes') =>
    errors[field] ? html`<p class="error field-error" id="${field}-error">${errors[field]}</p>` : '';
  return consolePage(
    user,
    'Create a personal access token',
    html`<p class="crumbs"><a href="/developers">Developers</a> › New token</p>
<h1>Create a personal access token</h1>
${Object.keys(errors).length ? html`<p class="error" role="alert">${errors.form ?? 'Check the fields marked below.'}</p>` : ''}
<form method="post" action="/developers/tokens" class="stack">
<input type="hidden" name="csrf" value="${csrfToken}">
<label for="token-name">Name</label>
${err('name')}
<input id="token-name" name="name" type="text" required maxlength="100" value="${form.name}" aria-describedby="${errors.name ? 'name-error ' : ''}token-name-hint"${errors.name ? html` aria-invalid="true"` : ''}>
<p class="hint" id="token-name-hint">What it is for, like “calendar sync script”.</p>
<fieldset${errors.scopes ? html` aria-describedby="scopes-error"` : ''}><legend>Scopes</legend>
${err('scopes')}
${
  groups.length
    ? groups.map(
        (group) =>
          html`<p class="group">${group.label}</p><div class="checks">${group.scopes.map((s) => html`<label class="check"><input type="checkbox" name="scopes" value="${s.name}"${form.scopes.includes(s.name) ? html` checked` : ''}> <span><code>${s.name}</code> <span class="hint">${s.description}</span></span></label>`)}</div>`,
      )
    : html`<p class="hint">This server serves no product API.</p>`
}
</fieldset>
<label for="expires_in">Expires after</label>
<select id="expires_in" name="expires_in">${TOKEN_EXPIRY_CHOICES.map((c) => html`<option value="${c.value}"${c.value === form.expiresIn ? html` selected` : ''}>${c.label}</option>`)}</select>
<div class="actions"><button type="submit">Create token</button><a class="button secondary" href="/developers">Cancel</a></div>
</form>`,
  );
}
