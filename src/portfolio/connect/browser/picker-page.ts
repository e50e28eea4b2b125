/**
 * The provider picker's script. The page works without it (the search is a GET form the server
 * answers); with it, the grid filters as the person types, with the same matching as the server.
 */
import { countText, matchesSearch } from './search-terms.ts';

/** The count is a status region: it is written once typing pauses, so a screen reader is not interrupted per key. */
const ANNOUNCE_AFTER_MS = 500;

function upgradeSearch(form: HTMLFormElement, input: HTMLInputElement, count: HTMLElement): void {
  const tiles = [...document.querySelectorAll<HTMLElement>('.tiles > li[data-terms]')];
  const groups = [...document.querySelectorAll<HTMLElement>('.picker-group')];
  const none = document.querySelector<HTMLElement>('.picker-none');
  const clear = document.querySelector<HTMLAnchorElement>('[data-clear-search]');
  let pending: number | undefined;

  const filter = (announce: boolean) => {
    const query = input.value;
    let shown = 0;
    for (const tile of tiles) {
      const match = matchesSearch(tile.dataset.terms ?? '', query);
      tile.hidden = !match;
      if (match) shown++;
    }
    for (const group of groups) group.hidden = !group.querySelector('li[data-terms]:not([hidden])');
    if (none) none.hidden = shown > 0;
    if (clear) clear.hidden = !query.trim();
    // The address keeps the search, so a reload or Back shows the same grid.
    const url = new URL(location.href);
    if (query.trim()) url.searchParams.set('q', query);
    else url.searchParams.delete('q');
    history.replaceState(history.state, '', url);
    window.clearTimeout(pending);
    if (announce) pending = window.setTimeout(() => (count.textContent = countText(query, shown)), ANNOUNCE_AFTER_MS);
    else count.textContent = countText(query, shown);
  };

  input.addEventListener('input', () => filter(true));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    filter(true);
  });
  clear?.addEventListener('click', (event) => {
    event.preventDefault();
    input.value = '';
    filter(true);
    input.focus();
  });
  // Back to this page: the browser may have restored what was typed.
  window.addEventListener('pageshow', () => filter(false));
  filter(false);
}

const form = document.querySelector<HTMLFormElement>('form.picker-search');
const input = document.getElementById('picker-q');
const count = document.getElementById('picker-count');
if (form && input instanceof HTMLInputElement && count) upgradeSearch(form, input, count);
