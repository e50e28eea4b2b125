import { html, type Html } from '../../../ui/html.ts';
import { page } from '../../../ui/layout.ts';
import { logoImage } from '../../../ui/logo-image.ts';
import { CONNECT_STYLES, connectScript, type ConnectScript } from '../assets/connect-assets.ts';

/** The widget's steps, as the indicator names them: choose a provider, link it, watch it sync, share with the app. */
export const WIDGET_STEPS = [
  { id: 'choose', label: 'Choose' },
  { id: 'link', label: 'Link' },
  { id: 'sync', label: 'Sync' },
  { id: 'share', label: 'Share' },
] as const;
export type WidgetStep = (typeof WIDGET_STEPS)[number]['id'];

/** What every step shows around its task. */
export interface WidgetFrame {
  interactionId: string;
  /** The app the person is connecting to (its logo is served first-party by /logos/:clientId). */
  app: { id: string; name: string };
  signedInAs: string;
  csrfToken: string;
}

export interface WidgetPageOptions {
  step: WidgetStep;
  title: string;
  body: Html;
  script?: ConnectScript;
  /** More of the head (the progress page's refresh for browsers without scripts). */
  head?: Html;
}

/**
 * A step of the Connect widget: "Connect to <app>" with the app's logo and a way back to it, the
 * step indicator, then the step's one task.
 */
export function widgetPage(frame: WidgetFrame, options: WidgetPageOptions): string {
  return page({
    title: options.title,
    signedInAs: frame.signedInAs,
    styles: CONNECT_STYLES,
    scripts: options.script ? [connectScript(options.script)] : [],
    head: options.head,
    body: html`<div class="widget">
${widgetHead(frame)}
${stepIndicator(options.step)}
${options.body}
</div>`,
  });
}

/**
 * "Back to <app>" posts the consent form's own "deny" (POST /oauth/interaction/:id): the
 * authorization ends there and the app receives `access_denied` with its `state` and `iss`.
 */
function widgetHead(frame: WidgetFrame): Html {
  return html`<div class="widget-head">
<p class="widget-app">${logoImage(frame.app, 40)}<span>Connect to <strong>${frame.app.name}</strong></span></p>
<form method="post" action="/oauth/interaction/${frame.interactionId}" class="widget-exit">
<input type="hidden" name="csrf" value="${frame.csrfToken}">
<button type="submit" name="decision" value="deny" class="link">Back to ${frame.app.name}</button>
</form>
</div>`;
}

function stepIndicator(current: WidgetStep): Html {
  const at = WIDGET_STEPS.findIndex((s) => s.id === current);
  return html`<ol class="stepper" aria-label="Steps">${WIDGET_STEPS.map((step, i) =>
    i === at
      ? html`<li aria-current="step"><span class="stepper-dot" aria-hidden="true">${i + 1}</span>${step.label}</li>`
      : html`<li${i < at ? html` class="done"` : ''}><span class="stepper-dot" aria-hidden="true">${i < at ? '✓' : i + 1}</span>${step.label}${i < at ? html`<span class="visually-hidden"> (done)</span>` : ''}</li>`,
  )}</ol>`;
}
