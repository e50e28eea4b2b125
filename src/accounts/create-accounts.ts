import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../kernel/db/database.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Csrf } from '../ui/csrf.ts';
import { createCodeDelivery } from './delivery/create-code-sender.ts';
import { OtpRepository } from './otp/otp-repository.ts';
import { OtpService } from './otp/otp-service.ts';
import { createPasskeys, type PasskeyServices } from './passkeys/create-passkeys.ts';
import { clearSessionCookie, readSessionToken } from './sessions/session-cookie.ts';
import { SessionRepository } from './sessions/session-repository.ts';
import {
  SessionService,
  type EndedSession,
  type SessionsEndedListener,
  type SessionSummary,
  type SignedInSession,
} from './sessions/session-service.ts';
import { SignInService } from './sign-in/sign-in-service.ts';
import type { User } from './users/user.ts';
import { UserRepository } from './users/user-repository.ts';
import { UserService, type NewUser, type ProfileChanges } from './users/user-service.ts';

export interface AccountsDeps {
  db: Db;
  config: Config;
  clock: Clock;
  log: FastifyBaseLogger;
  csrf: Csrf;
  /** Told after sessions end by a sign-out (the authorization server's back-channel logout). */
  onSessionsEnded?: SessionsEndedListener;
}

/** What the rest of Consentry may use of the accounts feature. */
export interface Accounts {
  users: {
    findById(id: string): Promise<User | undefined>;
    /** @throws AccountsError subclasses: MissingContact, InvalidEmail, InvalidPhone, InvalidName, DuplicateUser */
    create(input: { email?: string; phone?: string; name?: string }): Promise<User>;
    /** @throws ProfileInvalid (carrying InvalidName and/or InvalidTimeZone) */
    updateProfile(id: string, changes: ProfileChanges): Promise<User>;
  };
  sessions: {
    /** The signed-in session of this request's browser; looked up once per request. */
    current(request: FastifyRequest): Promise<SignedInSession | undefined>;
    /** The person's live sessions, most recently used first. */
    list(userId: string): Promise<SessionSummary[]>;
    /** Ends one of the person's sessions; false when the id is not one of theirs. */
    signOut(userId: string, sessionId: string): Promise<boolean>;
    /** Ends every session of the person except `keepSessionId`. */
    signOutOthers(userId: string, keepSessionId: string): Promise<number>;
    /** Signs this browser out as /signout does: its session ends and the cookie is cleared. */
    signOutBrowser(request: FastifyRequest, reply: FastifyReply): Promise<EndedSession | undefined>;
  };
  /** Closes the SMTP connection pool. */
  close(): Promise<void>;
}

/** The services behind an `Accounts`, for this feature's routes only. */
export interface AccountsInternals {
  users: UserService;
  sessions: SessionService;
  signIn: SignInService;
  /** Undefined where passkeys cannot work (an issuer on an IP address): codes only. */
  passkeys: PasskeyServices | undefined;
}

const internals = new WeakMap<Accounts, AccountsInternals>();

export function createAccounts(deps: AccountsDeps): Accounts {
  const { db, config, clock, log } = deps;
  const delivery = createCodeDelivery(config, log);
  const users = new UserService(new UserRepository(db, config.USER_CACHE_MS, () => clock.now()), clock);
  const sessions = new SessionService(
    new SessionRepository(db),
    clock,
    config.SESSION_TTL_SECONDS,
    deps.onSessionsEnded,
  );
  const otp = new OtpService({
    repo: new OtpRepository(db),
    sender: delivery.sender,
    clock,
    resendSeconds: config.OTP_RESEND_SECONDS,
    smsMaxPerHour: config.SMS_MAX_PER_HOUR,
  });
  const lookups = new WeakMap<FastifyRequest, Promise<SignedInSession | undefined>>();

  const accounts: Accounts = {
    users: {
      findById: (id) => users.findById(id),
      create: (input: NewUser) => users.create(input),
      updateProfile: (id, changes) => users.updateProfile(id, changes),
    },
    sessions: {
      current(request) {
        let lookup = lookups.get(request);
        if (!lookup) {
          const token = readSessionToken(request);
          lookup = token ? sessions.findByToken(token) : Promise.resolve(undefined);
          lookups.set(request, lookup);
        }
        return lookup;
      },
      list: (userId) => sessions.listForUser(userId),
      signOut: (userId, sessionId) => sessions.revokeById(userId, sessionId),
      signOutOthers: (userId, keepSessionId) => sessions.revokeAllExcept(userId, keepSessionId),
      async signOutBrowser(request, reply) {
        const token = readSessionToken(request);
        const ended = token ? await sessions.revoke(token) : undefined;
        lookups.set(request, Promise.resolve(undefined));
        clearSessionCookie(reply, config);
        return ended;
      },
    },
    close: () => delivery.close(),
  };
  const passkeys = createPasskeys(db, config, clock);
  internals.set(accounts, {
    users,
    sessions,
    signIn: new SignInService(otp, users, sessions, passkeys?.signIn),
    passkeys,
  });
  return accounts;
}

export function internalsOf(accounts: Accounts): AccountsInternals {
  const found = internals.get(accounts);
  if (!found) throw new Error('accountsRoutes needs the Accounts returned by createAccounts');
  return found;
}
