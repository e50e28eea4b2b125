import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { InjectBrowser } from './inject-browser.ts';

export interface CodeRequest {
  /** The 303 from POST /signin. */
  response: LightMyRequestResponse;
  /** The code page it led to. */
  codePage: LightMyRequestResponse;
  challengeId: string;
}

/** Opens /signin, types `identifier`, Continue; follows the 303 to the code page. */
export async function requestCode(browser: InjectBrowser, identifier: string, returnTo?: string): Promise<CodeRequest> {
  const signin = await browser.get(returnTo ? `/signin?return_to=${encodeURIComponent(returnTo)}` : '/signin');
  expect(signin.statusCode).toBe(200);
  const response = await browser.submit(signin.body, '/signin', { identifier });
  expect(response.statusCode, response.body).toBe(303);
  const location = new URL(response.headers.location as string, 'http://localhost');
  expect(location.pathname).toBe('/signin/code');
  const codePage = await browser.get(location.pathname + location.search);
  expect(codePage.statusCode).toBe(200);
  return { response, codePage, challengeId: location.searchParams.get('challenge')! };
}

/** Types `code` into the code page and presses Verify. */
export function enterCode(
  browser: InjectBrowser,
  codePage: LightMyRequestResponse | string,
  code: string,
): Promise<LightMyRequestResponse> {
  return browser.submit(typeof codePage === 'string' ? codePage : codePage.body, '/signin/code', { code });
}

/** The full path: request a code, read it from `readCode`, enter it; returns the final 303. */
export async function signIn(
  browser: InjectBrowser,
  identifier: string,
  readCode: () => Promise<string>,
  returnTo?: string,
): Promise<LightMyRequestResponse> {
  const { codePage } = await requestCode(browser, identifier, returnTo);
  const verified = await enterCode(browser, codePage, await readCode());
  expect(verified.statusCode, verified.body).toBe(303);
  return verified;
}

/** A code that is not `code` (for wrong-code tests). */
export function otherCode(code: string): string {
  return ((Number(code) + 1) % 1_000_000).toString().padStart(6, '0');
}
