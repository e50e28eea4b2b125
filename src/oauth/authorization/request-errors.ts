import { UnsafeAuthorizationRequest } from '../errors.ts';

/**
 * Errors of request objects (RFC 9101 §6) and pushed requests (RFC 9126). None is redirected:
 * the redirect URI a broken or spent request names cannot be trusted, so /authorize shows a page
 * and /oauth/par answers JSON.
 */
export class InvalidRequestObject extends UnsafeAuthorizationRequest {
  constructor(description: string) {
    super('invalid_request_object', description);
  }
}

export class InvalidRequestUri extends UnsafeAuthorizationRequest {
  constructor(description: string) {
    super('invalid_request_uri', description);
  }
}

/** A request_uri that is not one of ours: fetching requests from URLs is not supported. */
export class RequestUriNotSupported extends UnsafeAuthorizationRequest {
  constructor(description: string) {
    super('request_uri_not_supported', description);
  }
}
