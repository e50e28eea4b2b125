/**
 * The progress page's script: while a sync runs, the page follows it over Server-Sent Events
 * (GET …/progress/events), replacing the cards that changed with the HTML the server renders for
 * the page itself, and the summary line (a status region, so the change is spoken). Without
 * scripts, a refresh inside <noscript> reloads the page instead; a browser running this script
 * never sees that refresh.
 */
import type { ProgressEvent } from './progress-event.ts';

/** What identifies the focused control across a card's replacement: its form's action, or its link. */
function focusKey(): string | undefined {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || !active.closest('.conn')) return undefined;
  return active.closest('form')?.getAttribute('action') ?? active.getAttribute('href') ?? undefined;
}

function refocus(key: string | undefined): void {
  if (!key || document.activeElement?.closest('.conn')) return;
  const form = [...document.querySelectorAll('.conn form')].find((f) => f.getAttribute('action') === key);
  const target =
    form?.querySelector('button') ?? document.querySelector<HTMLElement>(`.conn a[href="${CSS.escape(key)}"]`);
  target?.focus();
}

function apply(list: HTMLElement, summary: HTMLElement, event: ProgressEvent): void {
  const key = focusKey();
  for (const card of event.cards) {
    const current = document.getElementById(`conn-${card.id}`);
    if (current?.dataset.v === card.v) continue;
    const template = document.createElement('template');
    template.innerHTML = card.html.trim();
    const fresh = template.content.firstElementChild;
    if (!fresh) continue;
    if (current) current.replaceWith(fresh);
    else list.append(fresh);
  }
  const wanted = new Set(event.order);
  for (const item of [...list.children]) if (!wanted.has(item.id.replace(/^conn-/, ''))) item.remove();
  const inPlace = [...list.children].map((item) => item.id.replace(/^conn-/, '')).join(',');
  if (inPlace !== event.order.join(','))
    for (const id of event.order) {
      const item = document.getElementById(`conn-${id}`);
      if (item) list.append(item);
    }
  if (summary.textContent !== event.summary) summary.textContent = event.summary;
  refocus(key);
}

function follow(list: HTMLElement, summary: HTMLElement, url: string): void {
  const source = new EventSource(url);
  source.addEventListener('progress', (message) => {
    const event = JSON.parse((message as MessageEvent<string>).data) as ProgressEvent;
    apply(list, summary, event);
    if (event.active) return;
    source.close();
    // "We're reading it now" was true while the sync ran; the cards say how it ended.
    const notice = document.getElementById('progress-notice');
    notice?.querySelector('[data-while-syncing]')?.remove();
    if (notice && !notice.textContent?.trim()) notice.remove();
  });
  // Refused for good (signed out, the request expired): say so rather than show a stale page.
  source.addEventListener('error', () => {
    if (source.readyState !== EventSource.CLOSED) return;
    const note = document.createElement('p');
    note.className = 'notice';
    note.textContent = 'Live updates stopped. Reload the page to see the latest.';
    summary.after(note);
  });
}

const list = document.getElementById('conns');
const summary = document.getElementById('progress-summary');
const url = list?.dataset.events;
if (list && summary && url && list.querySelector('[data-status="syncing"]')) {
  if (typeof EventSource === 'function') follow(list, summary, url);
  else setTimeout(() => location.reload(), 3000);
}
