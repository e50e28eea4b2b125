import { OAuthError } from '../errors.ts';

/** RFC 7591 §3.2.2 error codes. */
export class InvalidRedirectUri extends OAuthError {
  constructor(description: string) {
    super('invalid_redirect_uri', description);
  }
}

export class InvalidClientMetadataError extends OAuthError {
  constructor(description: string) {
    super('invalid_client_metadata', description);
  }
}

export class InvalidSoftwareStatement extends OAuthError {
  constructor(description: string) {
    super('invalid_software_statement', description);
  }
}

/** A missing or wrong initial or registration access token (RFC 6750 §3.1). */
export class InvalidRegistrationToken extends OAuthError {
  override readonly status = 401;
  constructor(description: string) {
    super('invalid_token', description);
    this.headers['www-authenticate'] = `Bearer error="invalid_token"`;
  }
}
