import { html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';
import { OTP_TTL_MS } from '../otp/otp-policy.ts';
import type { ChallengeSummary } from '../sign-in/sign-in-service.ts';

export interface CodePageOptions {
  csrfToken: string;
  returnTo: string;
  challenge: ChallengeSummary;
  error?: string | undefined;
  notice?: string | undefined;
  /** The code can no longer work (expired, or too many wrong tries): a new one is the way on. */
  dead?: boolean | undefined;
}

/** "We sent a code to j***@example.com": the code field, Verify, and a separate resend form. */
export function codePage({ csrfToken, returnTo, challenge, error, notice, dead }: CodePageOptions): string {
  const hidden = html`<input type="hidden" name="csrf" value="${csrfToken}">
<input type="hidden" name="challenge" value="${challenge.challengeId}">
<input type="hidden" name="return_to" value="${returnTo}">`;
  const described = error ? html`aria-invalid="true" aria-describedby="code-error"` : '';
  return page({
    title: 'Enter your code',
    body: html`<h1>${challenge.channel === 'email' ? 'Check your email' : 'Check your phone'}</h1>
<p>We sent a code to <strong>${challenge.maskedDestination}</strong>. It works for ${OTP_TTL_MS / 60_000} minutes.</p>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
${error ? html`<p class="error" role="alert" id="code-error">${error}</p>` : ''}
${
  dead
    ? html`<form method="post" action="/signin/resend">
${hidden}
<button type="submit" autofocus>Send me a new code</button>
</form>`
    : ''
}
<form method="post" action="/signin/code">
${hidden}
<label for="code">6-digit code</label>
<input id="code" name="code" type="text" class="code" inputmode="numeric" autocomplete="one-time-code" maxlength="12" required ${described}${dead ? '' : html` autofocus`}>
<button type="submit">Verify</button>
</form>
${
  dead
    ? ''
    : html`<form method="post" action="/signin/resend" class="resend">
${hidden}
<p class="hint">Didn’t get it? <button type="submit" class="link">Send a new code</button></p>
</form>`
}
<p class="hint"><a href="/signin?return_to=${encodeURIComponent(returnTo)}">Use a different email or phone number</a></p>`,
  });
}
