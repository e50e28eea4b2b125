/** How long a code works. */
export const OTP_TTL_MS = 10 * 60_000;
/** Wrong codes allowed per challenge; the next attempt finds it dead. */
export const OTP_MAX_ATTEMPTS = 5;
/** At most this many codes to one destination per rolling window, however patient the sender. */
export const OTP_HOURLY_LIMIT = 5;
export const OTP_WINDOW_MS = 60 * 60_000;
/** Challenges must be kept this long for the hourly limit to count them (janitor: purge after). */
export const OTP_RETENTION_MS = OTP_WINDOW_MS;
