// @ts-check
/**
 * The signing worker's code (see batch-signer.ts): ES256 signatures over the inputs of a batch,
 * and signature checks (JWS algorithms of jwt-verify.ts), answered with one message. An item
 * that fails answers with its error instead of a signature.
 *
 * Plain JavaScript, type-checked by tsc (`@ts-check`, JSDoc types) and linted: it runs as it is
 * from the sources, under vitest and from the build. A `.ts` worker would need tsx's loader in
 * the worker, which on Node 20 costs ~0.4 s and ~36 MiB per worker (hooks given in a worker's
 * execArgv are ignored there, so it must register them itself).
 */
import { constants, sign, verify } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { runBehindEventLoop } from '../threads/background-priority.js';

/**
 * One batch: keys travel once (by id) and are kept until the signer says to forget them.
 * @typedef {object} SigningBatch
 * @property {number} id
 * @property {boolean} forgetKeys
 * @property {Array<[keyId: number, key: import('node:crypto').KeyObject]>} newKeys
 * @property {Array<SigningItem>} items
 */

/**
 * `[keyId, input]` asks for an ES256 signature of input; `[keyId, input, signature, alg]` asks
 * whether the base64url `signature` of input verifies with the key under the JWS `alg`.
 * @typedef {[keyId: number, input: string] | [keyId: number, input: string, signature: string, alg: string]} SigningItem
 */

/**
 * A base64url signature, whether a signature verified, or why the item could not be done.
 * @typedef {string | boolean | { error: string }} SigningAnswer
 */

/**
 * @typedef {object} SigningReply
 * @property {number} id
 * @property {SigningAnswer[]} out
 */

/** @type {Map<number, import('node:crypto').KeyObject>} */
const keys = new Map();

/**
 * @param {SigningBatch} batch
 * @returns {SigningReply}
 */
function signBatch({ id, forgetKeys, newKeys, items }) {
  if (forgetKeys) keys.clear();
  for (const [keyId, key] of newKeys) keys.set(keyId, key);
  const out = items.map(([keyId, input, signature, alg]) => {
    try {
      const key = keys.get(keyId);
      if (!key) throw new Error(`the worker holds no key ${keyId}`);
      if (signature !== undefined && alg !== undefined) return verifyJws(alg, input, signature, key);
      return sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  });
  return { id, out };
}

/**
 * Whether `signature` (base64url) of the JWS signing input verifies with `key` under `alg`
 * (ES256/384/512, RS256/384/512, PS256/384/512, EdDSA, Ed25519). The caller has checked that
 * the key's type fits the algorithm; a malformed signature OpenSSL throws on is just false.
 * @param {string} alg
 * @param {string} input
 * @param {string} signature
 * @param {import('node:crypto').KeyObject} key
 * @returns {boolean}
 */
export function verifyJws(alg, input, signature, key) {
  const data = Buffer.from(input, 'ascii');
  const sig = Buffer.from(signature, 'base64url');
  const hash = `sha${alg.slice(2)}`;
  try {
    switch (alg.slice(0, 2)) {
      case 'ES':
        return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig);
      case 'RS':
        return verify(hash, data, key, sig);
      case 'PS':
        return verify(
          hash,
          data,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 },
          sig,
        );
      default:
        return verify(null, data, key, sig);
    }
  } catch {
    return false;
  }
}

// Imported anywhere but in a worker thread, this module does nothing.
const port = parentPort;
if (port) runBehindEventLoop();
port?.on('message', (/** @type {SigningBatch} */ batch) => port.postMessage(signBatch(batch)));
