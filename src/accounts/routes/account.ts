import type { FastifyInstance } from 'fastify';
import { accountPage } from '../pages/account-page.ts';
import type { RouteDeps } from './route-deps.ts';
import { seeOther, sendPage } from '../../ui/respond.ts';

/** GET /account: who is signed in, blocks from other features, and the sign-out button. */
export async function accountRoutes(
  app: FastifyInstance,
  { csrf, accounts, services, accountSections }: RouteDeps,
): Promise<void> {
  app.get('/account', async (request, reply) => {
    const session = await accounts.sessions.current(request);
    const user = session && (await services.users.findById(session.userId));
    if (!user) return seeOther(reply, `/signin?return_to=${encodeURIComponent('/account')}`);
    const csrfToken = csrf.token(request, reply);
    const sections = await Promise.all(accountSections.map((section) => section({ request, user, csrfToken })));
    return sendPage(reply, 200, accountPage({ user, csrfToken, sections }));
  });
}
