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
