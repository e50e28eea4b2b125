import { describe, expect, it } from 'vitest';
import { maskDestination, normalizeEmail, normalizePhone, parseIdentifier } from '../../src/accounts/destination.ts';
import { InvalidEmail, InvalidPhone, MissingContact } from '../../src/accounts/errors.ts';

describe('email addresses', () => {
  it('are trimmed and lowercased', () => {
    expect(normalizeEmail('  Jane.Doe+tag@Example.COM ')).toBe('jane.doe+tag@example.com');
  });

  it('get internationalised domains in their ASCII form', () => {
    expect(normalizeEmail('anna@Bücher.example')).toBe('anna@xn--bcher-kva.example');
  });

  it.each([
    'plainaddress',
    '@example.com',
    'jane@',
    'jane@localhost',
    'jane@@example.com',
    'jane doe@example.com',
    'a@b.com, c@d.com',
    'a@b.com;c@d.com',
    '"quoted"@example.com',
    'Jane <jane@example.com>',
    '.jane@example.com',
    'jane..doe@example.com',
    'jane@-example.com',
    `${'a'.repeat(65)}@example.com`,
  ])('refuses %j', (input) => {
    expect(() => normalizeEmail(input)).toThrow(InvalidEmail);
  });
});

describe('phone numbers', () => {
  it.each([
    ['+44 7911 123456', '+447911123456'],
    ['+1 (415) 555-2671', '+14155552671'],
    ['+33 6 12 34 56 78', '+33612345678'],
  ])('%j becomes E.164 %j', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each([
    ['no country code', '07911 123456'],
    ['too short', '+1234'],
    ['not a valid number for its country', '+44 7700 12'],
    ['text around the number', 'call +44 7911 123456'],
    ['letters', '+44 79II 123456'],
    ['double plus', '++447911123456'],
  ])('refuses %s', (_, input) => {
    expect(() => normalizePhone(input)).toThrow(InvalidPhone);
  });
});

describe('parseIdentifier', () => {
  it('reads an email when the input contains "@", a phone number otherwise', () => {
    expect(parseIdentifier(' Jane@Example.com')).toEqual({ channel: 'email', address: 'jane@example.com' });
    expect(parseIdentifier('+44 7911 123456')).toEqual({ channel: 'sms', address: '+447911123456' });
  });

  it('asks for something when nothing was typed', () => {
    expect(() => parseIdentifier('   ')).toThrow(MissingContact);
  });

  it('says which kind of input was wrong', () => {
    expect(() => parseIdentifier('jane@')).toThrow(InvalidEmail);
    expect(() => parseIdentifier('jane')).toThrow(InvalidPhone);
  });
});

describe('maskDestination', () => {
  it('keeps the first letter and the domain of an email', () => {
    expect(maskDestination({ channel: 'email', address: 'jane@example.com' })).toBe('j***@example.com');
  });

  it('keeps the country code and the last three digits of a phone number', () => {
    expect(maskDestination({ channel: 'sms', address: '+447911123456' })).toBe('+44 *******456');
    expect(maskDestination({ channel: 'sms', address: '+14155552671' })).toBe('+1 *******671');
  });
});
