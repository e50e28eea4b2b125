import type { User } from '../../../accounts/index.ts';
import { html, type Html } from '../../../ui/html.ts';
import { WEBHOOK_EVENTS } from '../../bookings/booking-events.ts';
import type { SchedulingServices } from '../../scheduling-services.ts';
import { csrfField } from '../views/errors-view.ts';

export type WebhooksSection = (context: { user: User; csrfToken: string }) => Promise<Html>;

export type WebhooksBack = '/scheduling/webhooks' | '/developers';

/** Where the webhook forms send the person back to. */
export function safeBack(value: string): WebhooksBack {
  return value === '/developers' ? '/developers' : '/scheduling/webhooks';
}

/**
 * The webhook block of /developers (and /scheduling/webhooks): endpoints with their state — a disabled
 * one says why — a link to each delivery log, and a form to add one.
 */
export function webhooksSectionFor(s: SchedulingServices, back: WebhooksBack): WebhooksSection {
  return async ({ user, csrfToken }) => {
    const hooks = await s.webhooks.list(user.id);
    return html`<section aria-labelledby="webhooks-heading">
<h2 id="webhooks-heading">Webhooks</h2>
${
  hooks.length
    ? html`<ul>${hooks.map(
        (
          w,
        ) => html`<li class="webhook"><strong>${w.url}</strong> · ${w.events.join(', ')} · ${w.active ? 'active' : html`<span class="error">disabled: ${w.disabledReason ?? 'turned off'}</span>`}
<div class="actions"><a href="/developers/webhooks/${w.id}">Delivery log</a>
${w.active ? '' : html`<form method="post" action="/developers/webhooks/${w.id}/enable">${csrfField(csrfToken)}<input type="hidden" name="back" value="${back}"><button type="submit" class="link">Turn back on</button></form>`}
<form method="post" action="/developers/webhooks/${w.id}/delete">${csrfField(csrfToken)}<input type="hidden" name="back" value="${back}"><button type="submit" class="link">Remove</button></form></div></li>`,
      )}</ul>`
    : html`<p class="hint">No webhook endpoints.</p>`
}
<form method="post" action="/developers/webhooks">${csrfField(csrfToken)}<input type="hidden" name="back" value="${back}">
<label for="wh-url">Endpoint URL (https)</label><input id="wh-url" name="url" required>
<fieldset><legend>Events</legend>${WEBHOOK_EVENTS.map((e) => html`<label><input type="checkbox" name="events" value="${e}" checked> ${e}</label>`)}</fieldset>
<button type="submit" class="secondary">Add webhook</button>
</form>
</section>`;
  };
}
