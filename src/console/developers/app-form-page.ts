import type { ScopeRegistry } from '../../kernel/scope-registry.ts';
import { html, type Html } from '../../ui/html.ts';
import type { AppField, AppForm, AppFormErrors, LifetimeLimits } from './app-form.ts';

type FieldError = (field: AppField) => Html | string;
type FieldAria = (field: AppField, hint?: string) => Html;

const METHOD_LABELS: Array<[string, string]> = [
  ['client_secret_basic', 'A client secret (client_secret_basic or client_secret_post), shown once'],
  [
    'private_key_jwt',
    'A key pair (private_key_jwt): the app signs a JWT with its private key; give its public keys below',
  ],
  ['client_secret_jwt', 'A client secret used to sign a JWT (client_secret_jwt, HS256)'],
];

/**
 * How a confidential app proves itself at the token endpoint, the public keys it signs with
 * (private_key_jwt, request objects), whether it must push its authorization requests and use
 * DPoP, and whether FAPI 2.0 holds it to all of these.
 */
function authenticationFields(view: AppFormView, err: FieldError, aria: FieldAria): Html {
  const { form } = view;
  return html`<fieldset${aria('authMethod', 'auth-hint')}><legend>How a confidential app authenticates</legend>
${err('authMethod')}
<p class="hint" id="auth-hint">Public apps use PKCE and no credential; this choice is ignored for them.</p>
${METHOD_LABELS.map(
  ([value, label]) =>
    html`<label class="check"><input type="radio" name="token_endpoint_auth_method" value="${value}"${form.authMethod === value ? html` checked` : ''}> ${label}</label>`,
)}
</fieldset>
<label for="jwks">Public keys (JWK Set) <span class="hint">(optional)</span></label>
${err('jwks')}
<textarea id="jwks" name="jwks" rows="4" spellcheck="false" autocapitalize="none"${aria('jwks', 'jwks-hint')}>${form.jwks}</textarea>
<p class="hint" id="jwks-hint">Paste the app’s public signing keys as a JWK Set ({"keys":[…]}; EC P-256, RSA of 2048 bits or more, or Ed25519), or give the URL below — not both. Used for private_key_jwt and signed request objects.</p>
<label for="jwks_uri">Public keys URL (jwks_uri) <span class="hint">(optional)</span></label>
${err('jwksUri')}
<input id="jwks_uri" name="jwks_uri" type="url" maxlength="2000" spellcheck="false" autocapitalize="none" value="${form.jwksUri}"${aria('jwksUri', 'jwks-uri-hint')}>
<p class="hint" id="jwks-uri-hint">https. Consentry fetches it when needed, keeps it for a few minutes, and fetches it again when the app signs with a new key.</p>
<label class="check"><input type="checkbox" name="require_pushed_authorization_requests" value="on"${form.requirePar ? html` checked` : ''}> Accept authorization requests only through /oauth/par (pushed authorization requests)</label>
<label class="check"><input type="checkbox" name="dpop_bound_access_tokens" value="on"${form.dpopBound ? html` checked` : ''}> Accept token requests only with a DPoP proof (dpop_bound_access_tokens): every token is bound to the app’s key</label>
<label class="check"><input type="checkbox" name="fapi2" value="on" aria-describedby="fapi2-hint"${form.fapi2 ? html` checked` : ''}> FAPI 2.0: hold the app to the FAPI 2.0 Security Profile</label>
<p class="hint" id="fapi2-hint">For financial data. Needs a confidential app with a key pair (private_key_jwt) signing with ES256 or PS256. Consentry then accepts only pushed authorization requests with PKCE (S256), binds every token to a DPoP key, and keeps codes valid for 60 seconds at most.</p>`;
}
import { scopeGroups } from './scope-groups.ts';

export interface AppFormView {
  form: AppForm;
  errors: AppFormErrors;
  csrfToken: string;
  /** Where the form posts: /developers/apps (create) or /developers/apps/:id (edit). */
  action: string;
  /** The type cannot change after creation; an edit form shows it as text. */
  editing: boolean;
  limits: LifetimeLimits;
  registry: ScopeRegistry;
}

/**
 * The app registration form. Each error sits right above its field and is tied to it with
 * aria-describedby; a summary with role=alert is read out first.
 */
export function appFormFields(view: AppFormView): Html {
  const { form, errors, limits } = view;
  const err = (field: AppField) =>
    errors[field] ? html`<p class="error field-error" id="${field}-error">${errors[field]}</p>` : '';
  const aria = (field: AppField, hint?: string) => {
    const ids = [errors[field] ? `${field}-error` : '', hint ?? ''].filter(Boolean).join(' ');
    return html`${errors[field] ? html` aria-invalid="true"` : ''}${ids ? html` aria-describedby="${ids}"` : ''}`;
  };
  const groups = scopeGroups(view.registry);
  const checkbox = (name: string, scope: string, checked: boolean, label: Html) =>
    html`<label class="check"><input type="checkbox" name="${name}" value="${scope}"${checked ? html` checked` : ''}> <span>${label}</span></label>`;
  return html`${Object.keys(errors).length ? html`<p class="error" role="alert">${errors.form ?? 'Check the fields marked below.'}</p>` : ''}
<form method="post" action="${view.action}" class="stack">
<input type="hidden" name="csrf" value="${view.csrfToken}">
<label for="name">App name</label>
${err('name')}
<input id="name" name="name" type="text" required maxlength="100" value="${form.name}"${aria('name', 'name-hint')}>
<p class="hint" id="name-hint">People see this name when the app asks for access.</p>
${
  view.editing
    ? html`<input type="hidden" name="type" value="${form.type}">`
    : html`<fieldset${aria('type')}><legend>Type</legend>
${err('type')}
<label class="check"><input type="radio" name="type" value="confidential"${form.type === 'confidential' ? html` checked` : ''}> Confidential — runs on a server and can keep a secret</label>
<label class="check"><input type="radio" name="type" value="public"${form.type === 'public' ? html` checked` : ''}> Public — a browser, mobile or desktop app, or an AI agent (PKCE, no secret)</label>
</fieldset>`
}
${authenticationFields(view, err, aria)}
<label for="redirect_uris">Redirect URIs</label>
${err('redirectUris')}
<textarea id="redirect_uris" name="redirect_uris" rows="3" spellcheck="false" autocapitalize="none"${aria('redirectUris', 'redirect-hint')}>${form.redirectUris}</textarea>
<p class="hint" id="redirect-hint">One per line. https, or http://127.0.0.1 (any port) for apps on the person’s own machine; native apps may use a reverse-domain scheme like com.example.app:/callback.</p>
<fieldset${aria('allowedScopes')}><legend>Scopes the app may ask for</legend>
${err('allowedScopes')}
${groups.map((group) => html`<p class="group">${group.label}</p><div class="checks">${group.scopes.map((s) => checkbox('allowed_scopes', s.name, form.allowedScopes.includes(s.name), html`<code>${s.name}</code> <span class="hint">${s.description}${s.fapi2Only ? ' (FAPI 2.0 apps only)' : ''}</span>`))}</div>`)}
</fieldset>
<fieldset${aria('defaultScopes', 'default-hint')}><legend>Scopes asked for when the app names none</legend>
${err('defaultScopes')}
<p class="hint" id="default-hint">Must be among the scopes above.</p>
<div class="checks inline">${groups.flatMap((group) => group.scopes).map((s) => checkbox('default_scopes', s.name, form.defaultScopes.includes(s.name), html`<code>${s.name}</code>`))}</div>
</fieldset>
<label for="logo_uri">Logo URL <span class="hint">(optional)</span></label>
${err('logoUri')}
<input id="logo_uri" name="logo_uri" type="url" maxlength="2000" spellcheck="false" autocapitalize="none" value="${form.logoUri}"${aria('logoUri', 'logo-hint')}>
<p class="hint" id="logo-hint">https; PNG, JPEG, GIF or WebP up to 100 KB. Consentry fetches it and serves it itself, so people’s browsers never contact your server.</p>
<label for="post_logout_redirect_uris">Sign-out redirect URIs <span class="hint">(optional)</span></label>
${err('postLogoutRedirectUris')}
<textarea id="post_logout_redirect_uris" name="post_logout_redirect_uris" rows="2" spellcheck="false" autocapitalize="none"${aria('postLogoutRedirectUris', 'post-logout-hint')}>${form.postLogoutRedirectUris}</textarea>
<p class="hint" id="post-logout-hint">One per line. Where Consentry may send people back after your app signs them out (<code>post_logout_redirect_uri</code> at <code>/oauth/end_session</code>); matched exactly.</p>
<label for="backchannel_logout_uri">Back-channel logout URL <span class="hint">(optional)</span></label>
${err('backchannelLogoutUri')}
<input id="backchannel_logout_uri" name="backchannel_logout_uri" type="url" maxlength="2000" spellcheck="false" autocapitalize="none" value="${form.backchannelLogoutUri}"${aria('backchannelLogoutUri', 'backchannel-hint')}>
<p class="hint" id="backchannel-hint">https. When a person signs out of Consentry, your server receives a signed logout token here (OpenID Connect Back-Channel Logout), naming the session (<code>sid</code>) of the ID token you got.</p>
<div class="row">
<div><label for="access_token_ttl">Access token lifetime <span class="hint">(seconds, optional)</span></label>
${err('accessTokenTtl')}
<input id="access_token_ttl" name="access_token_ttl" type="number" inputmode="numeric" min="${limits.accessMin}" max="${limits.accessMax}" value="${form.accessTokenTtl}"${aria('accessTokenTtl', 'access-hint')}>
<p class="hint" id="access-hint">${limits.accessMin}–${limits.accessMax}. Empty: the API’s own (15 min or 1 h).</p></div>
<div><label for="refresh_token_ttl">Refresh token lifetime <span class="hint">(seconds, optional)</span></label>
${err('refreshTokenTtl')}
<input id="refresh_token_ttl" name="refresh_token_ttl" type="number" inputmode="numeric" min="${limits.refreshMin}" max="${limits.refreshMax}" value="${form.refreshTokenTtl}"${aria('refreshTokenTtl', 'refresh-hint')}>
<p class="hint" id="refresh-hint">${limits.refreshMin}–${limits.refreshMax}. Empty: the API’s own (30 days or 1 year).</p></div>
</div>
<div class="actions"><button type="submit">${view.editing ? 'Save changes' : 'Create app'}</button><a class="button secondary" href="/developers">Cancel</a></div>
</form>`;
}
