import { sign, type KeyObject } from 'node:crypto';

/**
 * Compact JWS with ES256 through node:crypto directly, on libuv's thread pool. jose (which
 * verifies every token here) signs through WebCrypto at ~86 µs per token on this hardware
 * against ~26 µs for `crypto.sign`; and with a callback `crypto.sign` runs off the event loop,
 * which then spends ~8 µs per signature instead. ECDSA was the largest single cost of the token
 * endpoint (bench/).
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 */
export function signEs256(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): Promise<string> {
  const input = `${encode(header)}.${encode(payload)}`;
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }, (error, signature) => {
      if (error) reject(error);
      else resolve(`${input}.${signature.toString('base64url')}`);
    });
  });
}

function encode(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
