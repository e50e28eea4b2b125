import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Clock } from '../clock.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { SigningKeyRepository, SigningKeyRow } from './signing-key-repository.ts';

export const SIGNING_ALG = 'ES256';

export interface LoadedKey {
  kid: string;
  status: SigningKeyRow['status'];
  publicJwk: JWK;
  /** For jose's verification. */
  publicKey: CryptoKey | KeyObject;
  /** The same key for node:crypto (access tokens are checked through it: see jwt-verify.ts). */
  verifyKey: KeyObject;
  /** A node:crypto key for signing (see sign-jws.ts). */
  privateKey: KeyObject;
}

export interface KeyRingOptions {
  repo: SigningKeyRepository;
  box: SecretBox;
  clock: Clock;
  reloadMs: number;
}

/**
 * The signing keys every node shares through the database. The active key signs; the next
 * key is published before it ever signs; retired keys stay published until the tokens they
 * signed have expired. Nodes reload periodically and on an unknown `kid`, so rotation needs
 * no restart.
 */
export class KeyRing {
  private keys: LoadedKey[] = [];
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(private readonly options: KeyRingOptions) {}

  /** Creates the first active and next keys when the database has none. */
  async ensureKeys(): Promise<void> {
    await this.options.repo.exclusively(async (repo) => {
      const now = this.options.clock.now();
      if ((await repo.findByStatus('active')).length === 0)
        await repo.insert(await createKey(this.options.box, 'active', now));
      if ((await repo.findByStatus('next')).length === 0)
        await repo.insert(await createKey(this.options.box, 'next', now));
    });
    await this.reload();
  }

  async reload(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<void> {
    const rows = await this.options.repo.listPublished(this.options.clock.now());
    this.keys = await Promise.all(rows.map((row) => this.decode(row)));
    this.loadedAt = this.options.clock.now();
  }

  private async decode(row: SigningKeyRow): Promise<LoadedKey> {
    const cached = this.keys.find((k) => k.kid === row.kid);
    if (cached) return { ...cached, status: row.status };
    const publicJwk = JSON.parse(row.public_jwk) as JWK;
    const privateJwk = JSON.parse(this.options.box.open(row.private_jwk_sealed)) as JWK;
    return {
      kid: row.kid,
      status: row.status,
      publicJwk,
      publicKey: (await importJWK(publicJwk, row.alg)) as CryptoKey,
      verifyKey: createPublicKey({ key: publicJwk as JsonWebKey, format: 'jwk' }),
      privateKey: createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' }),
    };
  }

  private async fresh(): Promise<void> {
    if (this.options.clock.now() - this.loadedAt > this.options.reloadMs) await this.reload();
  }

  /** The key that signs now. */
  async signingKey(): Promise<LoadedKey> {
    await this.fresh();
    const active = this.keys.filter((k) => k.status === 'active').at(-1);
    if (!active) throw new Error('no active signing key; run `consentry migrate` and start again');
    return active;
  }

  /** A published key by `kid`, reloading once if this node has not seen it yet. */
  async verificationKey(kid: string | undefined): Promise<CryptoKey | KeyObject | undefined> {
    await this.fresh();
    let key = this.keys.find((k) => k.kid === kid);
    if (!key && kid && this.options.clock.now() - this.loadedAt > 1000) {
      await this.reload();
      key = this.keys.find((k) => k.kid === kid);
    }
    return key?.publicKey;
  }

  /** Like verificationKey, as a node:crypto key. */
  async verifyingKey(kid: string | undefined): Promise<KeyObject | undefined> {
    if (!(await this.verificationKey(kid))) return undefined;
    return this.keys.find((k) => k.kid === kid)?.verifyKey;
  }

  /** Whether `kid` is still published (without reloading): a cached verdict is kept only while it is. */
  publishes(kid: string): boolean {
    return this.keys.some((k) => k.kid === kid);
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    await this.fresh();
    return { keys: this.keys.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: SIGNING_ALG, use: 'sig' })) };
  }
}

/** A new ES256 key pair; its `kid` is the RFC 7638 thumbprint, unique by construction. */
export async function createKey(box: SecretBox, status: SigningKeyRow['status'], now: number): Promise<SigningKeyRow> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg: SIGNING_ALG,
    public_jwk: JSON.stringify(publicJwk),
    private_jwk_sealed: box.seal(JSON.stringify(await exportJWK(privateKey))),
    status,
    created_at: now,
    activated_at: status === 'active' ? now : null,
    retired_at: null,
    publish_until: null,
  };
}
