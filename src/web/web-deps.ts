import type { FastifyInstance } from 'fastify';
import type { Accounts } from '../accounts/index.ts';
import type { AppContext } from '../context.ts';
import type { Csrf } from './csrf.ts';

/** What the pages of src/web need; `root` is the whole app (the /try app calls its endpoints). */
export interface WebDeps {
  ctx: AppContext;
  accounts: Accounts;
  csrf: Csrf;
  root: FastifyInstance;
}
