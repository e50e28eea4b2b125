import type { Connection } from '../../connections/connection.ts';
import { sentence } from './sentence.ts';

/** What the person can do about a failed sync. */
export type FailureAction = 'retry' | 'relink' | 'none';

export interface FailureWords {
  /** The reason in plain words. */
  headline: string;
  /** The provider's own words (what the engine recorded), for the curious and for support. */
  detail?: string;
  action: FailureAction;
}

/**
 * Why a connection could not be read, from its status and the error its last sync recorded
 * (ErrorItem causes, see errors.ts), in words a person reads, and what they can do: try again
 * (the provider could not be reached, was busy, or failed on our side), link it again (the key
 * or authorization stopped working), or nothing here (a file that cannot be read: remove it and
 * import a corrected one). Undefined when the last sync did not fail.
 */
export function failureWords(connection: Connection, providerName: string): FailureWords | undefined {
  const error = connection.lastError;
  const detail = error?.message ? sentence(error.message) : undefined;
  const withDetail = (words: Omit<FailureWords, 'detail'>): FailureWords => (detail ? { ...words, detail } : words);
  if (connection.status === 'needs_reauth' || error?.cause === 'provider_auth_failed')
    return withDetail({
      headline:
        connection.authType === 'oauth2'
          ? `${providerName} no longer lets us read this account. Sign in to ${providerName} again to link it.`
          : `${providerName} no longer accepts this key. Create a new read-only key and link it again.`,
      action: 'relink',
    });
  // A sync running again after a failure still shows why the last one failed.
  if (!error || (connection.status !== 'error' && connection.status !== 'syncing')) return undefined;
  switch (error.cause) {
    case 'provider_unavailable':
      return withDetail({
        headline: `We couldn’t reach ${providerName} just now. This is usually temporary.`,
        action: 'retry',
      });
    case 'rate_limited':
      return withDetail({ headline: `${providerName} asked us to slow down. Try again in a minute.`, action: 'retry' });
    case 'bad_request':
      return connection.authType === 'csv'
        ? withDetail({
            headline: 'This file couldn’t be read. Remove it, fix the file and import it again.',
            action: 'none',
          })
        : withDetail({ headline: `${providerName} answered something we couldn’t read.`, action: 'retry' });
    default:
      return withDetail({
        headline: `Something went wrong on our side while reading ${providerName}.`,
        action: 'retry',
      });
  }
}
