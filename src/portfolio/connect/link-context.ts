import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Interaction } from '../../oauth/index.ts';
import { messagePage } from './link-page.ts';
import { sendPage, type PageDeps } from './page-deps.ts';
import type { WidgetFrame } from './views/widget-shell.ts';

export const LINK_STEP = 'portfolio.link';

/** The widget's pages of one pending authorization live under this path. */
export const linkBase = (interactionId: string) => `/connect/link/${interactionId}`;

export interface LinkContext {
  id: string;
  interaction: Interaction;
  userId: string;
}

/**
 * The pending authorization and the signed-in person behind a widget page, or the reply that was
 * sent instead: an expired request's page, sign-in (coming back here), or the authorization's
 * next step when linking is not one of its steps.
 */
export async function linkContext(
  deps: PageDeps,
  id: string,
  request: FastifyRequest,
  reply: FastifyReply,
  /** Where sign-in comes back to (the picker unless the page says otherwise). */
  returnTo = linkBase(id),
): Promise<LinkContext | { sent: FastifyReply }> {
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

/** What every widget page shows around its task: the app (name and logo), who is signed in, the form token. */
export async function widgetFrame(
  deps: PageDeps,
  found: LinkContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<WidgetFrame & { timeZone: string | null }> {
  const [client, user] = await Promise.all([
    deps.oauth.clients.findById(found.interaction.request.clientId),
    deps.accounts.users.findById(found.userId),
  ]);
  return {
    interactionId: found.id,
    app: { id: found.interaction.request.clientId, name: client?.name ?? 'the app' },
    signedInAs: user?.email ?? user?.phone ?? '',
    csrfToken: deps.csrf.token(request, reply),
    timeZone: user?.timeZone ?? null,
  };
}
