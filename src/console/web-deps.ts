import type { FastifyInstance } from 'fastify';
import type { Accounts } from '../accounts/index.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { AuthorizationServer } from '../oauth/index.ts';
import type { ApiDocument, DeveloperSection } from '../platform.ts';
import type { Csrf } from '../ui/csrf.ts';

/** What the console pages need; `root` is the whole app (the /try app calls its endpoints). */
export interface WebDeps {
  kernel: Kernel;
  oauth: AuthorizationServer;
  accounts: Accounts;
  csrf: Csrf;
  root: FastifyInstance;
  /** Blocks products add to /developers (e.g. the scheduling webhooks), each rendered per person. */
  developerSections?: DeveloperSection[];
  /** The products' OpenAPI documents, rendered at /docs. */
  apiDocs?: ApiDocument[];
}
