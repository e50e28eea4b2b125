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

export interface ErrorItem {
  provider_id?: string;
  cause: ErrorCause;
  message: string;
}

/**
 * A refusal with its HTTP status and wire `cause`, rendered by the Platform API's one error
 * handler into `{data: null, errors: [...]}`. Services throw it; they never touch HTTP.
 */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 429 | 500 | 501 | 503,
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
    const own: ErrorItem = { cause: this.cause_, message: this.message, ...(this.providerId ? { provider_id: this.providerId } : {}) };
    return this.items.length ? this.items : [own];
  }
}

export const badRequest = (message: string, providerId?: string) => new ApiError(400, 'bad_request', message, providerId);
export const notFound = (message: string, providerId?: string) => new ApiError(404, 'not_found', message, providerId);

/**
 * A provider failed while syncing: its credentials stopped working (`auth`, the person must
 * link again) or it could not be reached (`unavailable`, retried with backoff).
 */
export class SourceError extends Error {
  constructor(readonly kind: 'auth' | 'unavailable' | 'invalid', message: string) {
    super(message);
    this.name = 'SourceError';
  }
}
