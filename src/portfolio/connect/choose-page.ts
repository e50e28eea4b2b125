import type { Catalog } from '../catalog/catalog.ts';
import type { Connection } from '../connections/connection.ts';
import { html, type Html } from '../../ui/html.ts';
import { widgetPage, type WidgetFrame } from './views/widget-shell.ts';
import { providerName, statusWords } from './connection-words.ts';
import type { Holdings } from './holdings.ts';

/** The checkbox list's field name and its two buttons (`share`): the ticked ones, or explicitly none. */
export const SHARE_FIELD = 'connection';
export type ShareDecision = 'selected' | 'none';

export interface ConnectionChoice {
  connections: Connection[];
  /** Ticked when the page shows. */
  checked: ReadonlySet<string>;
  holdings: Holdings;
  catalog: Catalog;
  /** The message when nothing was ticked; the boxes are then marked and the first takes focus. */
  error?: string;
  /** Ids prefix, so two forms on one page stay apart. */
  idPrefix: string;
}

/**
 * The person's linked accounts as checkboxes, each with its provider, state and what it holds,
 * inside a fieldset whose legend names the app. Used by the widget's choose step and /account.
 */
export function connectionCheckboxes(choice: ConnectionChoice, legend: Html | string): Html {
  const errorId = `${choice.idPrefix}-error`;
  const boxes = choice.connections.map((c, index) => {
    const held = choice.holdings.get(c.id);
    const invalid = choice.error ? html` aria-invalid="true" aria-describedby="${errorId}"` : '';
    // Without JavaScript, `autofocus` is what moves focus to the field in error.
    const focus = choice.error && index === 0 ? html` autofocus` : '';
    return html`<label class="check" for="${choice.idPrefix}-${c.id}"><input type="checkbox" id="${choice.idPrefix}-${c.id}" name="${SHARE_FIELD}" value="${c.id}"${choice.checked.has(c.id) ? html` checked` : ''}${invalid}${focus}>
<span><strong>${c.displayLabel}</strong> <span class="hint">${providerName(choice.catalog, c)} · ${statusWords(c)}</span>${held?.length ? html`<br><span class="holdings">${held.join(' · ')}</span>` : ''}</span></label>`;
  });
  return html`<fieldset>
<legend>${legend}</legend>
${choice.error ? html`<p class="error field-error" id="${errorId}">${choice.error}</p>` : ''}
${boxes}
</fieldset>`;
}

export interface ChoosePageView {
  frame: WidgetFrame;
  choice: Omit<ConnectionChoice, 'idPrefix'>;
}

/**
 * The Connect widget's last step before consent: which of the person's linked accounts the app
 * may see, all ticked at first. "Share nothing" is its own button, so an empty choice is never an
 * accident; ticking none and pressing Share asks again.
 */
export function choosePage(view: ChoosePageView): string {
  const { frame } = view;
  const base = `/connect/link/${frame.interactionId}`;
  const app = frame.app.name;
  const choice = { ...view.choice, idPrefix: 'share' };
  const none = choice.connections.length === 0;
  return widgetPage(frame, {
    step: 'share',
    title: `Choose what ${app} can see`,
    body: html`<h1>Choose what ${app} can see</h1>
${choice.error ? html`<p class="error" role="alert">Nothing was shared: check the list of accounts below.</p>` : ''}
<p>${app} will see the balances and history of the accounts you tick, and nothing of the others. You can change this at any time under <a href="/account">your account</a>.</p>
<form method="post" action="${base}/choose">
<input type="hidden" name="csrf" value="${frame.csrfToken}">
${
  none
    ? html`<p>You have not linked any account yet. <a href="${base}">Link one</a>, or continue without sharing any.</p>`
    : connectionCheckboxes(choice, html`Accounts ${app} may see`)
}
<div class="actions">
${none ? '' : html`<button type="submit" name="share" value="selected">Share with ${app}</button>`}
<button type="submit" name="share" value="none" class="secondary">${none ? 'Continue without sharing' : 'Share nothing'}</button>
</div>
</form>
<p><a href="${base}/progress">Back to your linked accounts</a></p>`,
  });
}
