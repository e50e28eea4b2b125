import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyResult } from 'jose';
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
  keys: ReturnType<typeof createLocalJWKSet>;
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
  private readonly registered = new WeakMap<JSONWebKeySet, ReturnType<typeof createLocalJWKSet>>();

  constructor(private readonly options: ClientKeysOptions) {}

  /** Verifies `jwt`'s signature with one of the client's keys, then jose's claim checks in `verify`. */
  async verify(client: Client, jwt: string, verify: Parameters<typeof jwtVerify>[2]): Promise<JWTVerifyResult> {
    if (client.jwks) return jwtVerify(jwt, this.registeredSet(client.jwks), verify);
    if (!client.jwksUri) throw new ClientKeysUnavailable('the client has registered no keys');
    const uri = client.jwksUri;
    const now = this.options.clock.now();
    let set = this.fetched.get(uri);
    if (!set || now - set.fetchedAt >= this.options.cacheMs) set = await this.fetch(uri);
    try {
      return await jwtVerify(jwt, set.keys, verify);
    } catch (error) {
      const unknownKey = error instanceof errors.JWKSNoMatchingKey;
      if (!unknownKey || this.options.clock.now() - set.fetchedAt < this.options.refetchMs) throw error;
      return jwtVerify(jwt, (await this.fetch(uri)).keys, verify);
    }
  }

  private registeredSet(jwks: JSONWebKeySet) {
    let set = this.registered.get(jwks);
    if (!set) this.registered.set(jwks, (set = createLocalJWKSet(jwks)));
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
    const set = { keys: createLocalJWKSet(jwks), fetchedAt: this.options.clock.now() };
    if (this.fetched.size >= MAX_CACHED_URIS) this.fetched.clear();
    this.fetched.set(uri, set);
    this.failed.delete(uri);
    return set;
  }
}
