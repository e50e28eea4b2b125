import type { AccountSection, Accounts, SessionSummary } from '../../accounts/index.ts';
import { formatTime } from '../../ui/format-time.ts';
import { html } from '../../ui/html.ts';
import { describeUserAgent } from '../../ui/describe-user-agent.ts';

/** The /account block listing where the person is signed in, with a sign-out for each. */
export function sessionsSection(accounts: Accounts): AccountSection {
  return async ({ user, request, csrfToken }) => {
    const current = await accounts.sessions.current(request);
    const sessions = await accounts.sessions.list(user.id);
    const others = sessions.filter((s) => s.sessionId !== current?.sessionId);
    const ended = (request.query as Record<string, unknown> | undefined)?.signed_out;
    const row = (session: SessionSummary) => {
      const here = session.sessionId === current?.sessionId;
      return html`<li class="session">
<div><strong>${describeUserAgent(session.userAgent)}</strong>${here ? html` <span class="badge">This browser</span>` : ''}</div>
<div class="hint">Signed in ${formatTime(session.createdAt, user.timeZone)} · last active ${formatTime(session.lastSeenAt, user.timeZone)}${session.ip ? html` · ${session.ip}` : ''}</div>
${
  here
    ? ''
    : html`<form method="post" action="/account/sessions/${session.sessionId}/signout">
<input type="hidden" name="csrf" value="${csrfToken}">
<button type="submit" class="secondary small">Sign out<span class="visually-hidden"> of ${describeUserAgent(session.userAgent)}</span></button>
</form>`
}
</li>`;
    };
    return html`<section aria-labelledby="sessions-heading">
<h2 id="sessions-heading">Where you’re signed in</h2>
${ended ? html`<p class="notice" role="status">${ended === 'others' ? 'You were signed out everywhere else.' : 'That session was signed out.'}</p>` : ''}
<ul class="rows">${sessions.map(row)}</ul>
${
  others.length
    ? html`<form method="post" action="/account/sessions/signout-others">
<input type="hidden" name="csrf" value="${csrfToken}">
<button type="submit" class="secondary">Sign out everywhere else</button>
</form>`
    : html`<p class="hint">You are not signed in anywhere else.</p>`
}
</section>`;
  };
}
