import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import type { Html } from '../../ui/html.ts';
import type { Csrf } from '../../ui/csrf.ts';
import type { Accounts, AccountsInternals } from '../create-accounts.ts';
import type { User } from '../users/user.ts';

/** A block another feature adds to /account, e.g. the list of apps with access. */
export type AccountSection = (context: {
  request: FastifyRequest;
  user: User;
  csrfToken: string;
}) => Html | Promise<Html>;

export interface RouteDeps {
  config: Config;
  csrf: Csrf;
  accounts: Accounts;
  services: AccountsInternals;
  accountSections: AccountSection[];
}
