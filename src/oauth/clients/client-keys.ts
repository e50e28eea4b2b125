import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JSONWebKeySet, JWK } from 'jose';
import {
  JwtRejected,
  verifyJwt,
  type DecodedJwt,
  type JwtChecks,
  type JwtHeader,
  type JwtPayload,
} from '../../kernel/crypto/jwt-verify.ts';
import type { Clock } from '../../kernel/clock.ts';
import { checkJwks } from './check-client-keys.ts';
import type { Client } from './client.ts';
import { DocumentFetchError, fetchJsonDocument } from './metadata-document/fetch-json-document.ts';

/** The client's keys could not be had (its jwks_uri failed, or answered no usable JWK Set). */
export class ClientKeysUnavailable extends Error {}

export interface ClientKeysOptions {
  clock: Clock;
  /** How long keys fetched from a jwks_uri are used. */
  cacheMs: number;
  /** Minimum time between two fetches of one jwks_uri prompted by an unknown key. */
  refetchMs: number;
  /** Deadline of one fetch of a jwks_uri. */
  timeoutMs: number;
  /** Development and tests: jwks_uri on loopback addresses, over http too. */
  allowLoopback: boolean;
}

interface FetchedSet {
  keys: KeySet;
  fetchedAt: number;
}

const MAX_JWKS_BYTES = 64 * 1024;
const MAX_CACHED_URIS = 10_000;

/**
 * A client's public keys, for verifying what it signs (private_key_jwt assertions, request
 * objects): its registered `jwks`, or the JWK Set at its `jwks_uri`, fetched through the egress
 * guard and cached on this node for `cacheMs`. A JWT naming a key the cached set lacks (the
 * client rotated) fetches the set again, at most once per `refetchMs` per URL, so unknown `kid`s
 * cannot make the server hammer the client's host.
 */
export class ClientKeys {
  private readonly fetched = new Map<string, FetchedSet>();
  private readonly inFlight = new Map<string, Promise<FetchedSet>>();
  /** The last failure per URL: another fetch waits `refetchMs`, so a dead host is not asked per request. */
  private readonly failed = new Map<string, { at: number; error: ClientKeysUnavailable }>();
  /** Registered sets, keyed by the (briefly cached) client object's own JWK Set. */
  private readonly registered = new WeakMap<JSONWebKeySet, KeySet>();

  constructor(private readonly options: ClientKeysOptions) {}

  /** Verifies `jwt`'s signature with one of the client's keys, then the claim checks in `checks`. */
  async verify(
    client: Client,
    jwt: string | DecodedJwt,
    checks: JwtChecks,
  ): Promise<{ header: JwtHeader; payload: JwtPayload }> {
    if (client.jwks) return verifyJwt(jwt, this.registeredSet(client.jwks).select, checks);
    if (!client.jwksUri) throw new ClientKeysUnavailable('the client has registered no keys');
    const uri = client.jwksUri;
    const now = this.options.clock.now();
    let set = this.fetched.get(uri);
    if (!set || now - set.fetchedAt >= this.options.cacheMs) set = await this.fetch(uri);
    try {
      return await verifyJwt(jwt, set.keys.select, checks);
    } catch (error) {
      const unknownKey = error instanceof JwtRejected && error.code === 'no_key';
      if (!unknownKey || this.options.clock.now() - set.fetchedAt < this.options.refetchMs) throw error;
      return verifyJwt(jwt, (await this.fetch(uri)).keys.select, checks);
    }
  }

  private registeredSet(jwks: JSONWebKeySet): KeySet {
    let set = this.registered.get(jwks);
    if (!set) this.registered.set(jwks, (set = keySet(jwks)));
    return set;
  }

  /** One fetch per URL at a time; concurrent verifications wait for the same answer. */
  private fetch(uri: string): Promise<FetchedSet> {
    const failure = this.failed.get(uri);
    if (failure && this.options.clock.now() - failure.at < this.options.refetchMs) return Promise.reject(failure.error);
    let pending = this.inFlight.get(uri);
    if (!pending) {
      pending = this.load(uri)
        .catch((error: unknown) => {
          if (error instanceof ClientKeysUnavailable) {
            if (this.failed.size >= MAX_CACHED_URIS) this.failed.clear();
            this.failed.set(uri, { at: this.options.clock.now(), error });
          }
          throw error;
        })
        .finally(() => this.inFlight.delete(uri));
      this.inFlight.set(uri, pending);
    }
    return pending;
  }

  private async load(uri: string): Promise<FetchedSet> {
    let body: unknown;
    try {
      const { timeoutMs, allowLoopback } = this.options;
      body = (await fetchJsonDocument(new URL(uri), { timeoutMs, allowLoopback, maxBytes: MAX_JWKS_BYTES })).body;
    } catch (error) {
      if (error instanceof DocumentFetchError) throw new ClientKeysUnavailable(`its jwks_uri failed: ${error.message}`);
      throw error;
    }
    const jwks = checkJwks(body);
    if (typeof jwks === 'string') throw new ClientKeysUnavailable(`its jwks_uri holds no usable JWK Set: ${jwks}`);
    const set = { keys: keySet(jwks), fetchedAt: this.options.clock.now() };
    if (this.fetched.size >= MAX_CACHED_URIS) this.fetched.clear();
    this.fetched.set(uri, set);
    this.failed.delete(uri);
    return set;
  }
}

/** A JWK Set loaded once into node:crypto keys, with the rule for which of them may check a JWT. */
interface KeySet {
  select: (header: JwtHeader) => KeyObject[];
}

/** Which `kty` each algorithm family's keys have (RFC 7518 §6.1, RFC 8037 §2). */
const KEY_TYPE: Record<string, string> = { ES: 'EC', RS: 'RSA', PS: 'RSA', Ed: 'OKP' };

/**
 * Candidates for a header, as RFC 7515 §6 and jose's local sets choose them: the `kid` when the
 * JWT names one, a key type that fits the algorithm, and a JWK whose own `alg` and `use` (when
 * present) allow it. Keys Node cannot load were refused at registration (check-client-keys.ts);
 * one that still fails here is skipped rather than failing every key of the set.
 */
function keySet(jwks: JSONWebKeySet): KeySet {
  const loaded: { jwk: JWK; key: KeyObject }[] = [];
  for (const jwk of jwks.keys) {
    try {
      loaded.push({ jwk, key: createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }) });
    } catch {
      continue;
    }
  }
  return {
    select: (header) =>
      loaded
        .filter(
          ({ jwk }) =>
            (header.kid === undefined || jwk.kid === header.kid) &&
            jwk.kty === KEY_TYPE[header.alg.slice(0, 2)] &&
            (jwk.alg === undefined || jwk.alg === header.alg) &&
            (jwk.use === undefined || jwk.use === 'sig'),
        )
        .map(({ key }) => key),
  };
}
