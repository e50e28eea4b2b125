import { html } from '../../../../ui/html.ts';
import { csrfField } from '../errors-view.ts';
import type { HostContext } from '../../host/host-context.ts';
import { hostPage, type HostTab } from './host-shell.ts';

export interface DeleteConfirmation {
  tab: HostTab;
  /** What is deleted, as the host named it. */
  name: string;
  /** What deleting it does, in a sentence. */
  consequence: string;
  /** The POST that deletes. */
  action: string;
  /** Where "Keep it" goes back to. */
  back: string;
}

/**
 * "Delete <name>?" as its own page: the list's Delete is a link here, so nothing is deleted by
 * one stray click, with or without scripts.
 */
export function deleteConfirmationPage(c: HostContext, d: DeleteConfirmation): string {
  return hostPage({
    user: c.user,
    title: `Delete ${d.name}?`,
    tab: d.tab,
    body: html`<section class="panel">
<h1>Delete ${d.name}?</h1>
<p>${d.consequence}</p>
<form method="post" action="${d.action}" class="actions">${csrfField(c.csrfToken)}
<button type="submit" class="danger">Delete ${d.name}</button>
<a href="${d.back}" class="button secondary">Keep it</a>
</form>
</section>`,
  });
}
