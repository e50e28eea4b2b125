import { createRequire } from 'node:module';
import { domainToASCII } from 'node:url';
import type { parsePhoneNumberFromString as ParsePhoneNumber } from 'libphonenumber-js/max';
import { InvalidEmail, InvalidPhone, MissingContact } from './errors.ts';

export type { Channel } from './errors.ts';
import type { Channel } from './errors.ts';

/** Where a one-time code goes: a normalised email address or an E.164 phone number. */
export interface Destination {
  channel: Channel;
  address: string;
}

// RFC 5322 dot-atom local part. Quoted local parts and the characters an address parser treats
// specially (`,;<>"()`) are refused, so one input can never become several recipients.
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const PHONE_CHARACTERS = /^\+[0-9\s().-]{4,30}$/;

const require = createRequire(import.meta.url);
let parsePhoneLoaded: typeof ParsePhoneNumber | undefined;
/** libphonenumber's metadata (~2.4 MB of heap) loads with the first phone number, not at start. */
const parsePhoneNumberFromString: typeof ParsePhoneNumber = (...args) =>
  (parsePhoneLoaded ??= (require('libphonenumber-js/max') as typeof import('libphonenumber-js/max'))
    .parsePhoneNumberFromString)(...args);

/** Reads what a person typed in "Email or phone number": an email when it contains "@". */
export function parseIdentifier(input: string): Destination {
  const trimmed = input.trim();
  if (trimmed === '') throw new MissingContact();
  return trimmed.includes('@')
    ? { channel: 'email', address: normalizeEmail(trimmed) }
    : { channel: 'sms', address: normalizePhone(trimmed) };
}

/** Trims and lowercases; converts an internationalised domain to its ASCII (punycode) form. */
export function normalizeEmail(input: string): string {
  const value = input.trim().toLowerCase();
  const at = value.lastIndexOf('@');
  if (at <= 0 || value.length > 254) throw new InvalidEmail();
  const local = value.slice(0, at);
  const domain = domainToASCII(value.slice(at + 1));
  if (local.length > 64 || !LOCAL_PART.test(local) || !DOMAIN.test(domain)) throw new InvalidEmail();
  return `${local}@${domain}`;
}

/** E.164 (`+447911123456`); the number must carry its country code and be valid for its country. */
export function normalizePhone(input: string): string {
  const value = input.trim();
  if (!PHONE_CHARACTERS.test(value)) throw new InvalidPhone();
  const phone = parsePhoneNumberFromString(value, { extract: false });
  if (!phone || !phone.isValid()) throw new InvalidPhone();
  return phone.number;
}

/** "j***@example.com" or "+44 *******456": enough to recognise, not enough to harvest. */
export function maskDestination({ channel, address }: Destination): string {
  if (channel === 'email') {
    const at = address.lastIndexOf('@');
    return `${address.slice(0, 1)}***${address.slice(at)}`;
  }
  const phone = parsePhoneNumberFromString(address);
  const country = phone ? `+${phone.countryCallingCode}` : address.slice(0, 2);
  const hidden = Math.max(address.length - country.length - 3, 0);
  return `${country} ${'*'.repeat(hidden)}${address.slice(-3)}`;
}

/** The channel of an address already stored (normalised emails contain "@", phones never do). */
export function destinationOf(address: string): Destination {
  return { channel: address.includes('@') ? 'email' : 'sms', address };
}
