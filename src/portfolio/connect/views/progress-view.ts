import { html } from '../../../ui/html.ts';
import { stillSyncing, type ConnectionProgress } from '../progress-snapshot.ts';
import { connectionCard, type CardContext } from './connection-card.ts';
import { widgetPage, type WidgetFrame } from './widget-shell.ts';

/** A line about the last action; `whileSyncing`: words true only until the syncs end (the page's script then drops them). */
export interface Notice {
  text: string;
  whileSyncing?: string;
}

/** Seconds between reloads of the progress page in a browser without scripts. */
export const RELOAD_SECONDS = 3;

export interface ProgressView {
  progress: ConnectionProgress[];
  timeZone: string | null;
  /** A line about what just happened (linked, tried again, wait a little). */
  notice?: Notice | undefined;
  /** The person asked this page to stop reloading itself (no scripts). */
  still?: boolean;
}

/**
 * The "Sync" step: every linked account with its live status. Scripts keep it up to date over
 * Server-Sent Events; without them it reloads itself every few seconds while a sync runs, from a
 * refresh inside <noscript> (which a browser running scripts ignores, so it never reloads a page
 * its script is updating), with a way to stop that.
 */
export function progressPage(frame: WidgetFrame, view: ProgressView): string {
  const base = `/connect/link/${frame.interactionId}`;
  const ctx: CardContext = { base, csrfToken: frame.csrfToken, timeZone: view.timeZone };
  const { progress } = view;
  const reloading = stillSyncing(progress) && !view.still;
  const body = html`<h1>Your linked accounts</h1>
<p class="lede" id="progress-summary" role="status">${progressSummary(progress)}</p>
${view.notice ? html`<p class="notice" id="progress-notice">${view.notice.text}${view.notice.whileSyncing ? html`<span data-while-syncing>${view.notice.text ? ' ' : ''}${view.notice.whileSyncing}</span>` : ''}</p>` : ''}
${reloading ? html`<noscript><p class="hint">This page reloads every ${RELOAD_SECONDS} seconds while accounts are being read. <a href="${base}/progress?still=1">Stop reloading</a></p></noscript>` : ''}
<ul class="conns" id="conns" data-events="${base}/progress/events">${progress.map((p) => connectionCard(p, ctx))}</ul>
${progress.length === 0 ? html`<p>Link an exchange, a wallet or a file to share it with ${frame.app.name}.</p>` : ''}
<div class="actions progress-actions">
${progress.length ? html`<a class="button" href="${base}/choose">Continue</a>` : ''}
<a class="button${progress.length ? ' secondary' : ''}" href="${base}">${progress.length ? 'Link another account' : 'Link an account'}</a>
</div>
${progress.length ? html`<p class="hint">Next, you choose which of these accounts ${frame.app.name} may see. You can continue while accounts are still being read.</p>` : ''}`;
  return widgetPage(frame, {
    step: 'sync',
    title: 'Your linked accounts',
    body,
    script: 'progress',
    ...(reloading ? { head: html`<noscript><meta http-equiv="refresh" content="${RELOAD_SECONDS}"></noscript>` } : {}),
  });
}

/** One line on where things stand, spoken when it changes (a status region). */
export function progressSummary(progress: ConnectionProgress[]): string {
  const n = progress.length;
  if (n === 0) return 'Nothing linked yet.';
  const reading = progress.filter((p) => p.connection.status === 'syncing').length;
  const failed = progress.filter((p) => ['error', 'needs_reauth'].includes(p.connection.status)).length;
  const waiting = progress.filter((p) => p.connection.status === 'pending').length;
  const accounts = (k: number) => `${k} account${k === 1 ? '' : 's'}`;
  if (reading > 0)
    return reading === n
      ? `Reading your ${n === 1 ? 'account' : `${n} accounts`}…`
      : `Reading ${reading} of ${accounts(n)}…`;
  if (failed > 0)
    return `${accounts(failed)} couldn’t be read. Try again, or continue without ${failed === 1 ? 'it' : 'them'}.`;
  if (waiting > 0) return `${accounts(waiting)} waiting for you to finish signing in.`;
  return `All set: ${n === 1 ? 'your account is' : n === 2 ? 'both accounts are' : `all ${n} accounts are`} up to date.`;
}
