import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/portfolio/connections/connection.ts';
import type { ErrorItem } from '../../src/portfolio/errors.ts';
import type { ConnectionProgress } from '../../src/portfolio/connect/progress-snapshot.ts';
import { failureWords } from '../../src/portfolio/connect/views/failure-words.ts';
import { progressPage, progressSummary } from '../../src/portfolio/connect/views/progress-view.ts';

const frame = { interactionId: 'i1', app: { id: 'c1', name: 'Tax App' }, signedInAs: 'a@example.com', csrfToken: 't' };

function account(
  status: Connection['status'],
  error: ErrorItem | null = null,
  authType = 'wallet',
): ConnectionProgress {
  return {
    connection: {
      id: `c-${status}`,
      userId: 'u1',
      providerId: 'bitcoin',
      authType: authType as Connection['authType'],
      displayLabel: 'Bitcoin bc1qxy…0wlh',
      status,
      lastError: error,
      txCursor: null,
      lastRefreshedAt: status === 'connected' ? Date.UTC(2026, 0, 2, 3, 4) : null,
      lastRefreshRequestedAt: null,
      createdAt: 0,
    },
    providerName: 'Bitcoin',
    logoUrl: '/portfolio/logos/bitcoin.svg',
    itemsRead: 12,
    holdings: status === 'connected' ? ['0.5 BTC ($32,500.12)'] : [],
  };
}
const unreachable: ErrorItem = {
  provider_id: 'bitcoin',
  cause: 'provider_unavailable',
  message: 'esplora is unreachable',
};

describe('the progress page as rendered', () => {
  it('reloads itself without scripts only while a sync runs, and never when asked to stop', () => {
    const refresh = '<noscript><meta http-equiv="refresh" content="3"></noscript>';
    expect(progressPage(frame, { progress: [account('syncing')], timeZone: null })).toContain(refresh);
    expect(progressPage(frame, { progress: [account('syncing')], timeZone: null, still: true })).not.toContain(
      'http-equiv',
    );
    expect(progressPage(frame, { progress: [account('connected')], timeZone: null })).not.toContain('http-equiv');
    expect(progressPage(frame, { progress: [account('error', unreachable)], timeZone: null })).not.toContain(
      'http-equiv',
    );
  });

  it('shows what is known of each account, and the way on', () => {
    const page = progressPage(frame, { progress: [account('connected')], timeZone: 'Europe/Paris' });
    expect(page).toContain('<h2 class="conn-name">bc1qxy…0wlh</h2><p class="conn-provider">Bitcoin</p>');
    expect(page).toContain('<dt>Transactions read</dt><dd>12</dd>');
    expect(page).toContain('<dd>0.5 BTC ($32,500.12)</dd>');
    expect(page).toContain('<time datetime="2026-01-02T03:04:00.000Z">2 Jan 2026, 04:04 CET</time>');
    expect(page).toContain('<a class="button" href="/connect/link/i1/choose">Continue</a>');
    expect(page).toContain('data-events="/connect/link/i1/progress/events"');
    const none = progressPage(frame, { progress: [], timeZone: null });
    expect(none).not.toContain('/choose');
    expect(none).toContain('<a class="button" href="/connect/link/i1">Link an account</a>');
  });

  it('while a failed account is tried again, says so and keeps the last reason', () => {
    const page = progressPage(frame, { progress: [account('syncing', unreachable)], timeZone: null });
    expect(page).toContain('<span class="pill pill-busy">Trying again…</span>');
    expect(page).toContain('Last attempt: We couldn’t reach Bitcoin just now.');
    expect(page).not.toContain('/retry');
  });

  it('sums up where things stand', () => {
    expect(progressSummary([])).toBe('Nothing linked yet.');
    expect(progressSummary([account('syncing')])).toBe('Reading your account…');
    expect(progressSummary([account('syncing'), account('connected')])).toBe('Reading 1 of 2 accounts…');
    expect(progressSummary([account('error', unreachable), account('connected')])).toBe(
      '1 account couldn’t be read. Try again, or continue without it.',
    );
    expect(progressSummary([account('connected'), account('connected')])).toBe(
      'All set: both accounts are up to date.',
    );
  });
});

describe('why a sync failed, in words', () => {
  const words = (status: Connection['status'], error: ErrorItem | null, authType = 'wallet') =>
    failureWords(account(status, error, authType).connection, 'Bitcoin');

  it('maps each error cause to a reason and what to do', () => {
    expect(words('connected', null)).toBeUndefined();
    expect(words('error', unreachable)).toEqual({
      headline: 'We couldn’t reach Bitcoin just now. This is usually temporary.',
      detail: 'Esplora is unreachable.',
      action: 'retry',
    });
    expect(words('error', { cause: 'rate_limited', message: 'slow down' })?.action).toBe('retry');
    expect(words('needs_reauth', { cause: 'provider_auth_failed', message: 'key revoked' }, 'api_key')).toMatchObject({
      headline: 'Bitcoin no longer accepts this key. Create a new read-only key and link it again.',
      action: 'relink',
    });
    expect(words('needs_reauth', { cause: 'provider_auth_failed', message: 'expired' }, 'oauth2')?.headline).toBe(
      'Bitcoin no longer lets us read this account. Sign in to Bitcoin again to link it.',
    );
    expect(words('error', { cause: 'bad_request', message: 'line 3: Date is empty' }, 'csv')).toEqual({
      headline: 'This file couldn’t be read. Remove it, fix the file and import it again.',
      detail: 'Line 3: Date is empty.',
      action: 'none',
    });
    expect(words('error', { cause: 'internal_error', message: 'the provider could not be synced' })).toMatchObject({
      headline: 'Something went wrong on our side while reading Bitcoin.',
      action: 'retry',
    });
  });
});
