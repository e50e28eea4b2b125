import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Interaction } from '../../oauth/index.ts';
import { messagePage } from './link-page.ts';
import { sendPage, type PageDeps } from './page-deps.ts';

export const LINK_STEP = 'portfolio.link';

export interface StepContext {
  id: string;
  interaction: Interaction;
  userId: string;
}

/**
 * The pending authorization behind a widget page and the signed-in person, or the reply sent
 * instead: an expired request's message, the sign-in page (returning to `returnTo`), or the
 * authorization's next step when this one is already done.
 */
export async function linkStepContext(
  deps: PageDeps,
  id: string,
  request: FastifyRequest,
  reply: FastifyReply,
  returnTo: string,
): Promise<StepContext | { sent: FastifyReply }> {
  const interaction = await deps.oauth.interactions.get(id);
  if (!interaction)
    return {
      sent: sendPage(reply, 400, messagePage('This request has expired', 'Go back to the app and start again.')),
    };
  const session = await deps.accounts.sessions.current(request);
  if (!session) return { sent: reply.redirect(`/signin?return_to=${encodeURIComponent(returnTo)}`, 303) };
  if (!interaction.request.steps?.includes(LINK_STEP)) return { sent: reply.redirect(`/oauth/interaction/${id}`, 303) };
  return { id, interaction, userId: session.userId };
}
