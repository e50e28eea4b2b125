/**
 * Accounts: people, sign-up / sign-in with a one-time code by email or SMS or with a passkey,
 * and browser sessions. Other features use only what this file exports.
 */
import type { FastifyInstance } from 'fastify';
import type { Accounts, AccountsDeps } from './create-accounts.ts';
import { registerAccountsRoutes, type AccountsRoutesOptions } from './routes/register-routes.ts';

export { createAccounts, type Accounts, type AccountsDeps } from './create-accounts.ts';
export type { User } from './users/user.ts';
export type {
  EndedSession,
  SessionsEndedListener,
  SessionSummary,
  SignedInSession,
} from './sessions/session-service.ts';
export type { ProfileChanges } from './users/user-service.ts';
export { supportedTimeZones } from './users/time-zone.ts';
export {
  AccountsError,
  DuplicateUser,
  InvalidEmail,
  InvalidName,
  InvalidPhone,
  InvalidTimeZone,
  MissingContact,
  ProfileInvalid,
} from './errors.ts';
export { displayName } from './users/user.ts';
export { accountPage, signOutForm } from './pages/account-page.ts';
export { passkeysAccountSection } from './passkeys/account-section.ts';
export type { AccountSection } from './routes/route-deps.ts';
export { SESSION_COOKIE } from './sessions/session-cookie.ts';
export { safeReturnTo } from './return-to.ts';
export { purgeAccounts, purgeAccountsData } from './purge.ts';

/**
 * Registers the sign-in, sign-out and account pages. Needs @fastify/cookie and
 * @fastify/formbody registered before it. `accountSections` lets other features add blocks
 * to /account.
 */
export async function accountsRoutes(
  app: FastifyInstance,
  deps: AccountsDeps & { accounts: Accounts } & Pick<AccountsRoutesOptions, 'accountSections'>,
): Promise<void> {
  await registerAccountsRoutes(app, deps);
}
