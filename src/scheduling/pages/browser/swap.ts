/**
 * Follows a link of the booking widget without leaving the page: fetches the same address the
 * link names (the server renders every state), swaps `#booker` for the answer's, and keeps the
 * address bar and history in step. Anything unexpected falls back to a normal page load.
 */
export interface SwapOptions {
  history: 'push' | 'replace' | 'none';
  /** Where focus goes in the new widget. */
  focus?: (booker: HTMLElement) => HTMLElement | null | undefined;
}

type Enhance = (booker: HTMLElement) => void;
let enhance: Enhance = () => undefined;

/** What runs on every new widget (the calendar grid, the zone list, …). */
export function onNewBooker(run: Enhance): void {
  enhance = run;
}

export async function swapTo(url: string, options: SwapOptions): Promise<void> {
  const current = document.getElementById('booker');
  if (!current) return void location.assign(url);
  current.setAttribute('aria-busy', 'true');
  try {
    const response = await fetch(url, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
    const target = new URL(url, location.href);
    if (!response.ok || new URL(response.url).pathname !== target.pathname) throw new Error('not a widget');
    const next = new DOMParser().parseFromString(await response.text(), 'text/html');
    const booker = next.getElementById('booker');
    if (!booker) throw new Error('not a widget');
    current.replaceWith(document.adoptNode(booker));
    document.title = next.title;
    if (options.history === 'push') history.pushState({ booker: true }, '', target.href);
    if (options.history === 'replace') history.replaceState({ booker: true }, '', target.href);
    enhance(booker);
    (options.focus?.(booker) ?? null)?.focus();
    announce(booker);
  } catch {
    location.assign(url);
  }
}

/** Tells screen readers what the new widget shows. */
function announce(booker: HTMLElement): void {
  const status = document.getElementById('booker-status');
  if (!status) return;
  const step = booker.querySelector('.booker-step h2');
  const day = booker.querySelector('#slots-heading');
  const slots = booker.querySelectorAll('a.slot').length;
  status.textContent = step
    ? (step.textContent ?? '')
    : day
      ? `${day.textContent}: ${slots} free time${slots === 1 ? '' : 's'}`
      : (booker.querySelector('#month-heading')?.textContent ?? '');
}
