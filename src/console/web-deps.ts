import type { FastifyInstance } from 'fastify';
import type { Accounts } from '../accounts/index.ts';
import type { AppContext } from '../context.ts';
import type { Csrf } from '../ui/csrf.ts';
import type { Html } from '../ui/html.ts';
import type { User } from '../accounts/index.ts';

/** What the console pages need; `root` is the whole app (the /try app calls its endpoints). */
export interface WebDeps {
  ctx: AppContext;
  accounts: Accounts;
  csrf: Csrf;
  root: FastifyInstance;
  /** Blocks products add to /developers (e.g. the scheduling webhooks), each rendered per person. */
  developerSections?: Array<(context: { user: User; csrfToken: string }) => Html | Promise<Html>>;
}
