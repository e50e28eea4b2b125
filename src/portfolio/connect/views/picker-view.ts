import { html, type Html } from '../../../ui/html.ts';
import { countText } from '../browser/search-terms.ts';
import { PICKER_GROUPS, searchEntries, searchTermsOf, type PickerEntry } from '../picker-entries.ts';
import { widgetPage, type WidgetFrame } from './widget-shell.ts';

export interface PickerView {
  entries: PickerEntry[];
  /** The search as sent (`?q=`), empty for none. */
  query: string;
  /** Accounts the person has linked already (the way on to the next steps). */
  linkedCount: number;
}

/**
 * The "Choose" step: a searchable grid of every provider, grouped. Every tile is in the page;
 * those the search leaves out carry `hidden`, so the `?q=` form filters without scripts and the
 * script can filter in place as the person types.
 */
export function pickerPage(frame: WidgetFrame, view: PickerView): string {
  const base = `/connect/link/${frame.interactionId}`;
  const shown = new Set(searchEntries(view.entries, view.query).map((e) => e.id));
  const body = html`<h1>Where is your crypto?</h1>
<p class="lede">Link the exchanges, wallets and files <strong>${frame.app.name}</strong> should see. Access is read-only: nothing can be moved or traded.</p>
${
  view.linkedCount > 0
    ? html`<p class="linked-banner"><span>You’ve linked ${view.linkedCount} account${view.linkedCount === 1 ? '' : 's'}.</span> <a href="${base}/progress">Review and continue</a></p>`
    : ''
}
<form method="get" action="${base}" role="search" class="picker-search">
<label for="picker-q">Search exchanges, wallets and files</label>
<div class="search-row"><input type="search" id="picker-q" name="q" value="${view.query}" autocomplete="off" spellcheck="false" aria-describedby="picker-count"><button type="submit" class="secondary">Search</button></div>
</form>
<p class="hint picker-count"><span id="picker-count" role="status">${countText(view.query, shown.size)}</span> <a href="${base}" data-clear-search${view.query ? '' : html` hidden`}>Show all</a></p>
${PICKER_GROUPS.map(({ id, title }) => {
  const entries = view.entries.filter((e) => e.group === id);
  if (entries.length === 0) return '';
  const visible = entries.some((e) => shown.has(e.id));
  return html`<section class="picker-group" aria-labelledby="group-${id}"${visible ? '' : html` hidden`}>
<h2 id="group-${id}">${title}</h2>
<ul class="tiles">${entries.map((e) => tile(e, base, shown.has(e.id)))}</ul>
</section>`;
})}
<p class="picker-none"${shown.size ? html` hidden` : ''}>Can’t find it? <a href="${base}/provider/wallet">Paste a wallet address</a> and we’ll find its network, or <a href="${base}/provider/csv">import a CSV export</a>.</p>
${
  view.linkedCount === 0
    ? html`<form method="post" action="${base}/continue" class="picker-skip"><input type="hidden" name="csrf" value="${frame.csrfToken}"><button type="submit" class="link">Continue without linking</button></form>`
    : ''
}`;
  return widgetPage(frame, { step: 'choose', title: `Connect to ${frame.app.name}`, body, script: 'picker' });
}

function tile(entry: PickerEntry, base: string, visible: boolean): Html {
  return html`<li data-terms="${searchTermsOf(entry)}"${visible ? '' : html` hidden`}><a class="tile" href="${base}/provider/${entry.id}"><img src="${entry.logoUrl}" alt="" width="40" height="40"><span class="tile-text"><span class="tile-name">${entry.name}</span><span class="tile-hint">${entry.hint}</span></span></a></li>`;
}
