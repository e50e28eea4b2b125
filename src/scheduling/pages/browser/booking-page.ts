/**
 * The booking pages' script. The pages work without it; with it, the widget's links swap the
 * widget in place, the month becomes a keyboard grid, the zone field a searchable list, the
 * page opens in the browser's own zone, and "Cancel" asks in a dialog.
 */
import { dayCell, upgradeCalendar } from './booking-calendar.ts';
import { browserZone, rememberZone } from './browser-zone.ts';
import { upgradeDialogLinks } from './dialogs.ts';
import { onNewBooker, swapTo } from './swap.ts';
import { upgradeZonePicker } from './zone-combobox.ts';

function enhance(booker: HTMLElement): void {
  upgradeCalendar(booker);
  const input = booker.querySelector<HTMLInputElement>('#tz');
  if (input) {
    const cycle = booker.dataset.clock === 'h12' ? 'h12' : 'h23';
    upgradeZonePicker(input, cycle, (zone) => {
      rememberZone(zone);
      void swapTo(withParam(location.href, { tz: zone, date: null, start: null }), {
        history: 'push',
        focus: (next) => next.querySelector<HTMLElement>('#tz'),
      });
    });
  }
}

/** The same address with some parameters changed (null removes one). */
function withParam(href: string, change: Record<string, string | null>): string {
  const url = new URL(href);
  for (const [name, value] of Object.entries(change))
    if (value === null) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  return url.href;
}

/** Where focus belongs after following a widget link. */
function focusAfter(link: HTMLAnchorElement): (booker: HTMLElement) => HTMLElement | null {
  const url = new URL(link.href);
  if (link.classList.contains('slot'))
    return (booker) =>
      booker.querySelector<HTMLElement>('.booker-step input:not([type="hidden"]), .booker-step button');
  if (link.classList.contains('month-nav')) {
    const rel = link.rel;
    return (booker) =>
      booker.querySelector<HTMLElement>(`a.month-nav[rel="${rel}"]`) ??
      booker.querySelector<HTMLElement>('td[tabindex="0"]');
  }
  const group = link.closest('[role="group"]')?.getAttribute('aria-labelledby');
  if (group) return (booker) => booker.querySelector<HTMLElement>(`[aria-labelledby="${group}"] [aria-current="true"]`);
  const date = url.searchParams.get('date');
  return (booker) =>
    (date && !url.searchParams.has('start') ? dayCell(booker, date) : null) ??
    booker.querySelector<HTMLElement>('td[tabindex="0"]');
}

function start(): void {
  onNewBooker(enhance);
  upgradeDialogLinks(document);
  const booker = document.getElementById('booker');
  if (!booker) return;
  enhance(booker);
  document.addEventListener('click', (event) => {
    const link = (event.target as HTMLElement).closest<HTMLAnchorElement>('#booker a[data-swap]');
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    void swapTo(link.href, { history: 'push', focus: focusAfter(link) });
  });
  document.addEventListener('submit', (event) => {
    const form = event.target as HTMLFormElement;
    if (!form.matches('#booker form[data-zone-form]')) return;
    event.preventDefault();
    const url = new URL(form.action);
    for (const [name, value] of new FormData(form)) url.searchParams.set(name, String(value));
    void swapTo(url.href, { history: 'push', focus: (next) => next.querySelector<HTMLElement>('#tz') });
  });
  window.addEventListener('popstate', (event) => {
    if ((event.state as { booker?: boolean } | null)?.booker)
      void swapTo(location.href, {
        history: 'none',
        focus: (next) => next.querySelector<HTMLElement>('td[tabindex="0"]'),
      });
  });
  history.replaceState({ booker: true }, '', location.href);
  // The server guessed (UTC, or the region's only zone): show the browser's own zone instead.
  const zone = browserZone();
  if (zone) rememberZone(zone);
  if (zone && booker.dataset.zoneChosen === 'no' && booker.dataset.zone !== zone)
    void swapTo(withParam(location.href, { tz: zone }), { history: 'replace' });
}

start();
