import type { Clock } from '../../kernel/clock.ts';
import type { TokenFamilyRepository } from './token-family-repository.ts';

/** Tells other nodes that something was revoked (Redis pub/sub when configured). */
export interface RevocationNotifier {
  publish(key: string): Promise<void>;
  subscribe(onRevoked: (key: string) => void): void;
  close(): Promise<void>;
}

export const localOnlyNotifier: RevocationNotifier = {
  publish: async () => {},
  subscribe: () => {},
  close: async () => {},
};

/**
 * Revocation state of access tokens: a family (all tokens of one authorization) or a single
 * `jti`. Answers "not revoked" from a cache for at most `cacheMs`; a revocation on this node
 * (or announced by another node through the notifier) takes effect at once.
 */
export class Revocations {
  private readonly cache: RecentAnswers;

  constructor(
    private readonly repo: TokenFamilyRepository,
    private readonly clock: Clock,
    private readonly cacheMs: number,
    private readonly notifier: RevocationNotifier,
    /** The one-read check introspection makes (the token store's prepared statement). */
    private readonly readFresh: (familyId: string | undefined, jti: string) => Promise<boolean>,
  ) {
    this.cache = new RecentAnswers(cacheMs);
    notifier.subscribe((key) => this.remember(key, true));
  }

  /** Whether the token (by family and jti) is revoked; `fresh` skips the cache (introspection). */
  async isRevoked(token: { fam?: string | undefined; jti: string }, fresh = false): Promise<boolean> {
    if (fresh) {
      // What this node already knows to be revoked stays revoked; anything else is read now.
      const now = this.clock.now();
      if (
        this.cache.get(`j:${token.jti}`, now)?.revoked ||
        (token.fam && this.cache.get(`f:${token.fam}`, now)?.revoked)
      )
        return true;
      return this.readFresh(token.fam, token.jti);
    }
    if (token.fam && (await this.check(`f:${token.fam}`, () => this.repo.isFamilyRevoked(token.fam!)))) return true;
    return this.check(`j:${token.jti}`, () => this.repo.isAccessTokenRevoked(token.jti));
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.repo.revokeFamily(familyId, this.clock.now());
    await this.announce(`f:${familyId}`);
  }

  async revokeFamiliesOfGrant(grantId: string): Promise<void> {
    const families = await this.repo.revokeFamiliesOfGrant(grantId, this.clock.now());
    for (const id of families) await this.announce(`f:${id}`);
  }

  async revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
    await this.repo.revokeAccessToken(jti, expiresAt);
    await this.announce(`j:${jti}`);
  }

  /** For a revocation already written by the caller's own transaction. */
  async announceAccessTokenRevoked(jti: string): Promise<void> {
    await this.announce(`j:${jti}`);
  }

  /** For a family revocation already written by the caller's own transaction. */
  async announceFamilyRevoked(familyId: string): Promise<void> {
    await this.announce(`f:${familyId}`);
  }

  private async announce(key: string): Promise<void> {
    this.remember(key, true);
    await this.notifier.publish(key);
  }

  private async check(key: string, load: () => Promise<boolean>): Promise<boolean> {
    const now = this.clock.now();
    const hit = this.cache.get(key, now);
    if (hit?.revoked) return true;
    if (hit && now - hit.at < this.cacheMs) return false;
    const revoked = await load();
    this.remember(key, revoked);
    return revoked;
  }

  private remember(key: string, revoked: boolean): void {
    const at = this.clock.now();
    // A read that started before a revocation was announced must not undo it when it lands.
    if (!revoked && this.cache.get(key, at)?.revoked) return;
    this.cache.set(key, { revoked, at });
  }
}

/**
 * The answers of the last one to two `cacheMs` windows, in two maps: each window's answers go to
 * a fresh map, and the map before last is dropped whole. A node that checks many different
 * tokens so keeps only what it may still use, and its memory stays flat under steady traffic
 * (one map cleared at 100,000 keys grew for as long as the traffic lasted). A revocation
 * forgotten this way is read again from the database, which stays the truth.
 */
class RecentAnswers {
  private current = new Map<string, Answer>();
  private previous = new Map<string, Answer>();
  private windowStart = 0;
  private static readonly MAX_ENTRIES = 100_000;

  constructor(private readonly windowMs: number) {}

  get(key: string, now: number): Answer | undefined {
    this.turn(now);
    return this.current.get(key) ?? this.previous.get(key);
  }

  set(key: string, answer: Answer): void {
    this.turn(answer.at);
    if (this.current.size >= RecentAnswers.MAX_ENTRIES) this.current.clear();
    this.current.set(key, answer);
  }

  private turn(now: number): void {
    if (now - this.windowStart < Math.max(this.windowMs, 1)) return;
    // A window that passed with nothing new leaves nothing worth keeping from the one before.
    this.previous = now - this.windowStart < 2 * this.windowMs ? this.current : new Map();
    this.current = new Map();
    this.windowStart = now;
  }
}

interface Answer {
  revoked: boolean;
  at: number;
}
