/** The `cause` values of the Platform API's ErrorItem. */
export type ErrorCause =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'provider_unavailable'
  | 'provider_auth_failed'
  | 'internal_error';

/** Calico's end-user codes: 601 customer not found, 602 customer not authorized, 603 authentication failed. */
export type EndUserCode = 601 | 602 | 603;

export interface ErrorItem {
  provider_id?: string;
  cause: ErrorCause;
  message: string;
  code?: EndUserCode;
}

/**
 * The item with its end-user code, as the contract carries Calico's 6xx codes: in the body, with
 * a standard HTTP status. A failed authentication (ours or the provider's) is 603, a refusal 602;
 * 601 (the token's person no longer exists) is set where that is found.
 */
export function withEndUserCode(item: ErrorItem): ErrorItem {
  if (item.code !== undefined) return item;
  const code =
    item.cause === 'unauthorized' || item.cause === 'provider_auth_failed'
      ? 603
      : item.cause === 'forbidden'
        ? 602
        : undefined;
  return code === undefined ? item : { ...item, code };
}

/**
 * A refusal with its HTTP status and wire `cause`, rendered by the Platform API's one error
 * handler into `{data: null, errors: [...]}`. Services throw it; they never touch HTTP.
 */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 501 | 503,
    readonly cause_: ErrorCause,
    message: string,
    readonly providerId?: string,
    /** Seconds, for 429. */
    readonly retryAfter?: number,
    /** More items (e.g. one per bad CSV line or per provider of an array request). */
    readonly items: ErrorItem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toItems(): ErrorItem[] {
    const own: ErrorItem = {
      cause: this.cause_,
      message: this.message,
      ...(this.providerId ? { provider_id: this.providerId } : {}),
    };
    return (this.items.length ? this.items : [own]).map(withEndUserCode);
  }
}

export const badRequest = (message: string, providerId?: string) =>
  new ApiError(400, 'bad_request', message, providerId);
export const notFound = (message: string, providerId?: string) => new ApiError(404, 'not_found', message, providerId);

/**
 * A provider failed while syncing: its credentials stopped working (`auth`, the person must
 * link again) or it could not be reached (`unavailable`, retried with backoff).
 */
export class SourceError extends Error {
  constructor(
    readonly kind: 'auth' | 'unavailable' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}
