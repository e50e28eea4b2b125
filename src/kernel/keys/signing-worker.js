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
import { constants, createHash, sign, verify } from 'node:crypto';
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
 * `[input]` asks for an ES256 signature of input; `[input, signature, alg]` asks whether the
 * base64url `signature` of input verifies with the key under the JWS `alg`;
 * `[input, idHeader, idPayloadOpen, 'id_token']` asks for the signature of an access token's
 * input and for the ID token that goes with it (see `signWithIdToken`).
 * @typedef {[input: string]
 *   | [input: string, signature: string, alg: string]
 *   | [input: string, idHeader: string, idPayloadOpen: string, kind: 'id_token']} SigningWork
 */

/**
 * One piece of work of a batch, with the id of the key it needs.
 * @typedef {[keyId: number, work: SigningWork]} SigningItem
 */

/**
 * A base64url signature, whether a signature verified, an access token's signature with its ID
 * token, or why the item could not be done.
 * @typedef {string | boolean | [accessSignature: string, idToken: string] | { error: string }} SigningAnswer
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
  const out = items.map(([keyId, work]) => {
    try {
      const key = keys.get(keyId);
      if (!key) throw new Error(`the worker holds no key ${keyId}`);
      return doWork(work, key);
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  });
  return { id, out };
}

/**
 * Does one piece of work with its key: here for a batch, or on the event loop when no worker can
 * run (batch-signer.ts). Throws what signing throws.
 * @param {SigningWork} work
 * @param {import('node:crypto').KeyObject} key
 * @returns {string | boolean | [accessSignature: string, idToken: string]}
 */
export function doWork(work, key) {
  const [input, second, third, kind] = work;
  if (second === undefined || third === undefined) return signEs256Input(input, key);
  if (kind === 'id_token') return signWithIdToken(input, second, third, key);
  return verifyJws(third, input, second, key);
}

/**
 * The base64url ES256 signature (SHA-256, IEEE P1363) of a JWS signing input.
 * @param {string} input
 * @param {import('node:crypto').KeyObject} key
 * @returns {string}
 */
function signEs256Input(input, key) {
  return sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

/**
 * Signs an access token's input, then the ID token that travels with it, whose `at_hash` (OIDC
 * Core §3.1.3.6: the left half of the SHA-256 of the access token, base64url) needs that
 * signature: in one trip to this worker rather than two in a row. `idPayloadOpen` is the ID
 * token's claims as JSON without their end, ready for `"at_hash":"` + its value + `"}`.
 * @param {string} input
 * @param {string} idHeader the ID token's protected header, encoded
 * @param {string} idPayloadOpen
 * @param {import('node:crypto').KeyObject} key
 * @returns {[accessSignature: string, idToken: string]}
 */
function signWithIdToken(input, idHeader, idPayloadOpen, key) {
  const accessSignature = signEs256Input(input, key);
  const atHash = createHash('sha256')
    .update(`${input}.${accessSignature}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
  const idInput = `${idHeader}.${Buffer.from(`${idPayloadOpen}${atHash}"}`).toString('base64url')}`;
  return [accessSignature, `${idInput}.${signEs256Input(idInput, key)}`];
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
function verifyJws(alg, input, signature, key) {
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
