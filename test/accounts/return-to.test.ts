import { describe, expect, it } from 'vitest';
import { DEFAULT_RETURN_TO, safeReturnTo } from '../../src/accounts/return-to.ts';

describe('safeReturnTo (open-redirect guard)', () => {
  it.each([
    ['/account', '/account'],
    ['/oauth/interaction/abc?x=1&y=2', '/oauth/interaction/abc?x=1&y=2'],
    ['/developers#apps', '/developers#apps'],
    ['/a:b/c', '/a:b/c'],
    ['/r%C3%A9sum%C3%A9', '/r%C3%A9sum%C3%A9'],
    // Non-ASCII is percent-encoded, so the Location header stays valid.
    ['/résumé', '/r%C3%A9sum%C3%A9'],
  ])('keeps the local path %j', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });

  it.each([
    ['protocol-relative', '//evil.example'],
    ['protocol-relative with path', '//evil.example/account'],
    ['absolute https', 'https://evil.example/'],
    ['absolute http', 'http://localhost:3000/account'],
    ['javascript scheme', 'javascript:alert(1)'],
    ['data scheme', 'data:text/html,hi'],
    ['backslash after slash', '/\\evil.example'],
    ['backslashes only', '\\\\evil.example'],
    ['backslash later in the path', '/ok\\..\\evil'],
    ['tab smuggled between slashes', '/\t/evil.example'],
    ['newline smuggled between slashes', '/\n/evil.example'],
    ['dot segments collapsing into //', '/..//evil.example'],
    ['dot segments collapsing into // (encoded dots stay dots)', '/%2e%2e//evil.example'],
    ['relative path', 'account'],
    ['empty', ''],
    ['whitespace first', ' /account'],
    ['too long', `/${'a'.repeat(2048)}`],
  ])('refuses %s', (_, input) => {
    expect(safeReturnTo(input)).toBe(DEFAULT_RETURN_TO);
  });

  it('refuses values that are not strings', () => {
    expect(safeReturnTo(undefined)).toBe('/account');
    expect(safeReturnTo(['/a', '/b'])).toBe('/account');
    expect(safeReturnTo(42)).toBe('/account');
  });
});
