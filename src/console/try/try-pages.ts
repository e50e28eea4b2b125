import { html, type Html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';
import { mask } from './mask.ts';
import type { RecordedCall } from './recorded-call.ts';

function tryPage(title: string, body: Html): string {
  return page({
    title,
    body: html`<p class="crumbs">Try it out · a small app built into this server</p>${body}`,
    wide: true,
  });
}

/** A request and its response, side by side on wide screens. */
export function exchange(call: RecordedCall): Html {
  return html`<div class="exchange">
<div><p class="label">Request</p><pre>${call.request}</pre></div>
<div><p class="label">Response</p><pre>${call.response}</pre></div>
</div>`;
}

export interface StartView {
  authorizeUrl: string;
  verifier: string;
  challenge: string;
  state: string;
  scopes: string[];
}

/** Step 1, before leaving: what the app prepared and the URL it sends the person to. */
export function startPage(view: StartView): string {
  const url = new URL(view.authorizeUrl);
  // One parameter a line, decoded, so a newcomer can read them; the link below carries them encoded.
  const query = [...url.searchParams].map(([key, value], i) => `${i ? '&' : '?'}${key}=${value}`).join('\n');
  return tryPage(
    'Try it out',
    html`<h1>Try it out</h1>
<p>This page is a tiny third-party app. It will ask for access to your account the way any app does — OAuth 2.1 with PKCE and OpenID Connect — and show you every request and response on the way. Nothing here needs JavaScript.</p>
<ol class="steps">
<li><h2>The app prepares a sign-in request</h2>
<p>It makes a random <strong>code verifier</strong> and keeps it in an HttpOnly cookie; only its SHA-256 hash, the <strong>code challenge</strong>, travels. Whoever steals the code later cannot use it without the verifier. A random <strong>state</strong> ties your return to this browser.</p>
<dl class="contacts">
<dt>code_verifier</dt><dd><code>${mask(view.verifier)}</code> <span class="hint">(secret; masked)</span></dd>
<dt>code_challenge</dt><dd><code>${view.challenge}</code></dd>
<dt>state</dt><dd><code>${view.state}</code></dd>
<dt>scope</dt><dd>${view.scopes.map((s, i) => html`${i ? ' ' : ''}<code>${s}</code>`)}</dd>
</dl>
<p>It sends your browser to the authorization endpoint:</p>
<pre>GET ${url.pathname}\n${query}</pre>
<p><a class="button" href="${view.authorizeUrl}">Sign in with Consentry</a></p>
<p class="hint">You will sign in (or create an account) with a one-time code, then decide whether to allow the app. Choosing “Deny” is fine too: you will see what the app gets then.</p>
</li>
</ol>`,
  );
}

/** When the demo is served on its loopback twin (see try-client.ts), it says where to go. */
export function elsewherePage(appUrl: string): string {
  return tryPage(
    'Try it out',
    html`<h1>Try it out</h1>
<p>This server’s issuer is a plain-http <code>localhost</code> address, and OAuth lets apps use plain http only on a loopback IP address. So the demo app runs at a loopback address of this same server:</p>
<p><a class="button" href="${appUrl}">Open the demo app</a></p>`,
  );
}

export interface ResultView {
  callbackUrl: string;
  checks: Array<{ ok: boolean; text: string }>;
  error?: { code: string; description: string | null } | undefined;
  token?: RecordedCall | undefined;
  idTokenClaims?: Record<string, unknown> | undefined;
  accessTokenClaims?: Record<string, unknown> | undefined;
  userinfo?: RecordedCall | undefined;
  product?: { api: string; call?: RecordedCall; absent?: string } | undefined;
}

/** Steps 2–5 after the person came back: the redirect, the token exchange, UserInfo, an API. */
export function resultPage(view: ResultView): string {
  const check = (c: { ok: boolean; text: string }) =>
    html`<li class="${c.ok ? 'ok' : 'bad'}"><span aria-hidden="true">${c.ok ? '✓' : '✗'}</span> ${c.text}</li>`;
  const claims = (title: string, value: Record<string, unknown> | undefined) =>
    value ? html`<p class="label">${title}</p><pre>${JSON.stringify(value, null, 2)}</pre>` : '';
  return tryPage(
    'Try it out: the result',
    html`<h1>${view.error ? 'The app was not let in' : 'The app is connected'}</h1>
<ol class="steps" start="2">
<li><h2>Consentry sends the browser back</h2>
<pre>GET ${view.callbackUrl}</pre>
<ul class="checks-list">${view.checks.map(check)}</ul>
${
  view.error
    ? html`<p>The app got <code>error=${view.error.code}</code>${view.error.description ? html` (“${view.error.description}”)` : ''} instead of a code. ${view.error.code === 'access_denied' ? 'That is what an app sees when you choose Deny: no code, no tokens, no access.' : ''}</p>`
    : html`<p>The <code>code</code> is short-lived and works once. <code>iss</code> (RFC 9207) tells the app which server answered, so a code cannot be swapped in from another one.</p>`
}
</li>
${
  view.token
    ? html`<li><h2>The app exchanges the code for tokens</h2>
<p>It sends the code with its code verifier. A public app has no secret: the verifier proves it is the app that started the request.</p>
${exchange(view.token)}
${claims('ID token claims (decoded): who signed in, for which app', view.idTokenClaims)}
${claims('Access token claims (decoded): an RFC 9068 JWT meant for the APIs in "aud"', view.accessTokenClaims)}
</li>`
    : ''
}
${
  view.userinfo
    ? html`<li><h2>The app asks who you are (UserInfo)</h2>
<p>The access token goes in the Authorization header — never in a URL. The answer carries only what the granted scopes allow.</p>
${exchange(view.userinfo)}
</li>`
    : ''
}
${
  view.product
    ? html`<li><h2>The app calls the ${view.product.api}</h2>
${view.product.call ? exchange(view.product.call) : html`<p>${view.product.absent}</p>`}
</li>`
    : ''
}
</ol>
<h2>What next</h2>
<ul>
<li><a href="/account">Your account</a> lists the app under “Connected apps”. Revoke it there and its tokens stop working at once.</li>
<li><a href="/developers">Register your own app</a> to get a client id for your code.</li>
<li><a href="/try">Start again</a></li>
</ul>`,
  );
}

/** A callback that cannot be finished (no pending flow, wrong state). */
export function callbackProblemPage(title: string, message: string): string {
  return tryPage(
    title,
    html`<h1>${title}</h1>
<p class="error" role="alert">${message}</p>
<p><a class="button" href="/try">Start again</a></p>`,
  );
}
