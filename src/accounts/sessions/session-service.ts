import { newId, newOpaqueToken, sha256 } from '../../kernel/crypto/tokens.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { SessionRepository } from './session-repository.ts';

/** A signed-in browser. `authTime` is when the person last proved who they are (OIDC auth_time). */
export interface SignedInSession {
  sessionId: string;
  userId: string;
  authTime: number;
}

export interface NewSession {
  session: SignedInSession;
  /** The cookie value: shown once, only its SHA-256 is stored. */
  token: string;
  expiresAt: number;
}

/** A session as the person sees it on /account: which browser, from where, when. */
export interface SessionSummary {
  sessionId: string;
  createdAt: number;
  lastSeenAt: number;
  userAgent: string | null;
  ip: string | null;
}

export interface ClientInfo {
  userAgent?: string | undefined;
  ip?: string | undefined;
}

/** A session that just ended by a sign-out (not by expiring). */
export interface EndedSession {
  sessionId: string;
  userId: string;
}

/**
 * Told after sessions end by a sign-out, revocation from /account or "sign out everywhere else"
 * (the authorization server's back-channel logout). It must not throw: the sign-out stands.
 */
export type SessionsEndedListener = (ended: EndedSession[]) => Promise<void>;

/** `last_seen_at` is written at most this often, so browsing does not turn every read into a write. */
const TOUCH_INTERVAL_MS = 60_000;

export class SessionService {
  constructor(
    private readonly repo: SessionRepository,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
    private readonly onEnded: SessionsEndedListener = async () => {},
  ) {}

  /** Always a new session with a new auth_time: this is how `prompt=login` re-authenticates. */
  async create(userId: string, client: ClientInfo): Promise<NewSession> {
    const now = this.clock.now();
    const token = newOpaqueToken('ses_');
    const expiresAt = now + this.ttlSeconds * 1000;
    const id = newId();
    await this.repo.insert({
      id,
      token_hash: sha256(token),
      user_id: userId,
      auth_time: now,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
      user_agent: client.userAgent?.slice(0, 512) ?? null,
      ip: client.ip?.slice(0, 64) ?? null,
    });
    return { session: { sessionId: id, userId, authTime: now }, token, expiresAt };
  }

  async findByToken(token: string): Promise<SignedInSession | undefined> {
    const now = this.clock.now();
    const row = await this.repo.findLiveByTokenHash(sha256(token), now);
    if (!row) return undefined;
    if (now - row.last_seen_at >= TOUCH_INTERVAL_MS) await this.repo.touch(row.id, now);
    return { sessionId: row.id, userId: row.user_id, authTime: row.auth_time };
  }

  async listForUser(userId: string): Promise<SessionSummary[]> {
    const rows = await this.repo.listLiveByUser(userId, this.clock.now());
    return rows.map((row) => ({
      sessionId: row.id,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      userAgent: row.user_agent,
      ip: row.ip,
    }));
  }

  /** Ends one of the person's sessions by id; another person's id changes nothing. */
  async revokeById(userId: string, sessionId: string): Promise<boolean> {
    const ended = await this.repo.deleteForUser(sessionId, userId);
    if (ended) await this.onEnded([{ sessionId, userId }]);
    return ended;
  }

  /** "Sign out everywhere else": every session of the person but `keepSessionId` ends. */
  async revokeAllExcept(userId: string, keepSessionId: string): Promise<number> {
    const ended = await this.repo.deleteOthersForUser(userId, keepSessionId);
    if (ended.length > 0) await this.onEnded(ended.map((sessionId) => ({ sessionId, userId })));
    return ended.length;
  }

  /** Ends the session the cookie names (sign-out); answers which one it was. */
  async revoke(token: string): Promise<EndedSession | undefined> {
    const row = await this.repo.deleteByTokenHash(sha256(token));
    if (!row) return undefined;
    const ended = { sessionId: row.id, userId: row.userId };
    await this.onEnded([ended]);
    return ended;
  }
}
