/**
 * OAuth errors carry their RFC 6749 §5.2 wire code. `redirectable` tells the authorization
 * endpoint whether the error may travel back to the client's redirect URI (it may not when
 * the client or the redirect URI itself is in doubt).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export class OAuthError extends Error {
  readonly status: number = 400;
  readonly redirectable: boolean = true;
  readonly headers: Record<string, string> = {};

  constructor(
    readonly code: string,
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  toJSON(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

export class InvalidRequest extends OAuthError {
  constructor(description: string) {
    super('invalid_request', description);
  }
}

/** 401; with `WWW-Authenticate: Basic` when the client tried HTTP Basic (RFC 6749 §5.2). */
export class InvalidClient extends OAuthError {
  override readonly status = 401;
  override readonly redirectable = false;
  constructor(description: string, usedBasic = false) {
    super('invalid_client', description);
    if (usedBasic) this.headers['www-authenticate'] = 'Basic realm="consentry", charset="UTF-8"';
  }
}

export class InvalidGrant extends OAuthError {
  constructor(description: string) {
    super('invalid_grant', description);
  }
}

export class UnauthorizedClient extends OAuthError {
  constructor(description: string) {
    super('unauthorized_client', description);
  }
}

export class UnsupportedGrantType extends OAuthError {
  constructor(description: string) {
    super('unsupported_grant_type', description);
  }
}

export class UnsupportedResponseType extends OAuthError {
  constructor(description: string) {
    super('unsupported_response_type', description);
  }
}

export class InvalidScope extends OAuthError {
  constructor(description: string) {
    super('invalid_scope', description);
  }
}

/** RFC 8707 §2: a `resource` that is not a registered protected resource. */
export class InvalidTarget extends OAuthError {
  constructor(description: string) {
    super('invalid_target', description);
  }
}

export class AccessDenied extends OAuthError {
  constructor(description: string) {
    super('access_denied', description);
  }
}

/** RFC 8628 §3.5: the person has not decided yet; the device polls again after its interval. */
export class AuthorizationPending extends OAuthError {
  constructor(description: string) {
    super('authorization_pending', description);
  }
}

/** RFC 8628 §3.5: the device polled too fast; its interval is now 5 seconds longer. */
export class SlowDown extends OAuthError {
  constructor(description: string) {
    super('slow_down', description);
  }
}

/** RFC 8628 §3.5: the device code expired; the device starts again. */
export class ExpiredToken extends OAuthError {
  constructor(description: string) {
    super('expired_token', description);
  }
}

export class LoginRequired extends OAuthError {
  constructor(description: string) {
    super('login_required', description);
  }
}

export class ConsentRequired extends OAuthError {
  constructor(description: string) {
    super('consent_required', description);
  }
}

/** One address has too many authorization requests pending: a 429 page, never redirected. */
export class TooManyPendingRequests extends OAuthError {
  override readonly status = 429;
  override readonly redirectable = false;
  constructor() {
    super(
      'temporarily_unavailable',
      'Too many sign-in requests are waiting from your network. Finish or close the ones you started, or try again later.',
    );
  }
}

/** The client or redirect URI cannot be trusted: shown as a page, never redirected. */
export class UnsafeAuthorizationRequest extends OAuthError {
  override readonly redirectable = false;
}
