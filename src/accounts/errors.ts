/** How a one-time code reaches a person. */
export type Channel = 'email' | 'sms';

/**
 * Errors of the accounts feature. Each carries a stable `code`; its message is a sentence meant
 * for the person at the keyboard (the sign-in pages and the CLI show it as is). Callers decide
 * what to do by class or code, never by message text.
 */
export class AccountsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class MissingContact extends AccountsError {
  constructor() {
    super('missing_contact', 'Enter an email address or a phone number.');
  }
}

export class InvalidEmail extends AccountsError {
  constructor() {
    super('invalid_email', 'That doesn’t look like an email address. Check it and try again.');
  }
}

export class InvalidPhone extends AccountsError {
  constructor() {
    super(
      'invalid_phone',
      'That doesn’t look like a phone number. Enter it with its country code, like +44 7911 123456.',
    );
  }
}

export class InvalidName extends AccountsError {
  constructor() {
    super('invalid_name', 'A name must be 1 to 200 characters long.');
  }
}

export class InvalidTimeZone extends AccountsError {
  constructor() {
    super('invalid_time_zone', 'Choose a time zone from the list, like Europe/Paris.');
  }
}

/** Several problems with one profile form, each keeping its own code. */
export class ProfileInvalid extends AccountsError {
  constructor(readonly problems: AccountsError[]) {
    super('profile_invalid', problems.map((p) => p.message).join(' '));
  }
}

export class DuplicateUser extends AccountsError {
  constructor() {
    super('duplicate_user', 'An account with that email address or phone number already exists.');
  }
}

export class ChallengeNotFound extends AccountsError {
  constructor() {
    super(
      'challenge_not_found',
      'This sign-in attempt is no longer valid. Enter your email address or phone number again.',
    );
  }
}

export class MalformedCode extends AccountsError {
  constructor() {
    super('malformed_code', 'Enter the 6-digit code we sent you.');
  }
}

export class CodeExpired extends AccountsError {
  constructor() {
    super('code_expired', 'This code has expired. Request a new code.');
  }
}

export class TooManyAttempts extends AccountsError {
  constructor() {
    super('too_many_attempts', 'Too many wrong codes. This code no longer works — request a new code.');
  }
}

export class WrongCode extends AccountsError {
  constructor(readonly attemptsLeft: number) {
    super(
      'wrong_code',
      `That code is not right. You have ${attemptsLeft} ${attemptsLeft === 1 ? 'attempt' : 'attempts'} left.`,
    );
  }
}

export class CodeThrottled extends AccountsError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'code_throttled',
      `We sent a code to this address a moment ago. You can request a new one in ${retryAfterSeconds} ${retryAfterSeconds === 1 ? 'second' : 'seconds'}.`,
    );
  }
}

/** Every node together sent SMS_MAX_PER_HOUR text messages in the last hour (toll-fraud cap). */
export class SmsPaused extends AccountsError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'sms_paused',
      'Signing in by text message is paused for a while because of unusual traffic. Use your email address, or try again later.',
    );
  }
}

export class DeliveryFailed extends AccountsError {
  constructor(readonly channel: Channel) {
    super(
      'delivery_failed',
      channel === 'email'
        ? 'We couldn’t send the email. Check the address, or try again in a moment.'
        : 'We couldn’t send the text message. Check the number, or try again in a moment.',
    );
  }
}

export class ChannelUnavailable extends AccountsError {
  constructor(readonly channel: Channel) {
    super(
      'channel_unavailable',
      channel === 'email'
        ? 'Signing in by email is not available on this server.'
        : 'Signing in by phone is not available on this server.',
    );
  }
}

/** The challenge a passkey answered is unknown, used, expired, or was issued to another browser or session. */
export class PasskeyChallengeExpired extends AccountsError {
  constructor() {
    super('passkey_expired', 'That passkey request has expired or was already used. Try again.');
  }
}

/** What the browser sent is not a WebAuthn answer we can read. */
export class PasskeyMalformed extends AccountsError {
  constructor() {
    super('passkey_malformed', 'Your browser sent a passkey answer we couldn’t read. Try again, or use a code.');
  }
}

/** No account here has this passkey (it was removed, or made for another site with this name). */
export class PasskeyNotRecognised extends AccountsError {
  constructor() {
    super(
      'passkey_unknown',
      'This passkey isn’t registered here — it may have been removed. Sign in with a code instead.',
    );
  }
}

/** Why a passkey answer was refused, for the log (the person sees one message for all). */
export type PasskeyRefusal =
  /** Wrong origin or RP ID, bad attestation or signature, user not present. */
  | 'registration_invalid'
  | 'assertion_invalid'
  /** A valid signature with a counter at or below the stored one: possibly a cloned authenticator. */
  | 'counter_went_back'
  /** Another sign-in with this passkey moved its counter first. */
  | 'counter_raced'
  /** The authenticator named another account than the passkey belongs to. */
  | 'user_handle_mismatch';

/** The answer did not verify: wrong origin or RP ID, bad signature, or a counter that went backwards. */
export class PasskeyNotVerified extends AccountsError {
  constructor(
    readonly reason: PasskeyRefusal,
    readonly context: { passkeyId?: string; userId?: string; cause?: unknown } = {},
  ) {
    super('passkey_not_verified', 'We couldn’t verify that passkey. Try again, or sign in with a code.');
  }
}

export class PasskeyAlreadyRegistered extends AccountsError {
  constructor() {
    super('passkey_registered', 'That passkey is already registered.');
  }
}

export class PasskeyLimitReached extends AccountsError {
  constructor(readonly limit: number) {
    super('passkey_limit', `You have ${limit} passkeys, the most one account can have. Remove one to add another.`);
  }
}

export class InvalidPasskeyName extends AccountsError {
  constructor(readonly maxLength: number) {
    super('invalid_passkey_name', `A passkey name must be 1 to ${maxLength} characters long.`);
  }
}
