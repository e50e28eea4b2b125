import type { SignedInSession } from '../../accounts/index.ts';
import type { OAuthContext } from '../oauth-context.ts';
import { newId } from '../../kernel/crypto/tokens.ts';
import { GrantRepository } from '../consent/grant-repository.ts';
import { ConsentRequired, LoginRequired, OAuthError } from '../errors.ts';
import { RedirectableError } from './authorization-request.ts';
import type { Interaction } from './interaction-repository.ts';
import { InteractionRepository } from './interaction-repository.ts';
import { issueCodeRedirect } from './issue-code.ts';

/**
 * The next step of a pending authorization: sign in (unless a session fits the prompt), then
 * consent (unless a stored grant already covers the request), then the code. Returns where to
 * send the browser.
 */
export async function continueAuthorization(
  ctx: OAuthContext,
  interaction: Interaction,
  session: SignedInSession | undefined,
): Promise<string> {
  const { request } = interaction;
  if (!session || needsFreshSignIn(interaction, session)) {
    if (request.prompt.includes('none'))
      return fail(ctx, interaction, new LoginRequired('the person is not signed in'));
    const query = new URLSearchParams({ return_to: interactionPath(interaction.id) });
    // The sign-in page pre-fills an address; a hint too long to be one is not passed on.
    if (request.loginHint && request.loginHint.length <= 320) query.set('login_hint', request.loginHint);
    if (request.prompt.includes('login') || request.maxAge !== undefined) query.set('prompt', 'login');
    return `/signin?${query.toString()}`;
  }
  const step = request.steps?.[0];
  if (step) {
    if (request.prompt.includes('none'))
      return fail(
        ctx,
        interaction,
        new OAuthError('interaction_required', 'the person must take part in this request'),
      );
    const page = ctx.registry.step(step);
    if (page) return page.url(interaction.id);
  }
  const grant = await new GrantRepository(ctx.database.db).findActive(session.userId, request.clientId);
  const covered =
    grant &&
    request.scopes.every((s) => grant.scopes.includes(s)) &&
    request.resources.every((r) => grant.resources.includes(r));
  if (covered && !request.prompt.includes('consent')) {
    if (!(await new InteractionRepository(ctx.database.db).take(interaction.id)))
      return interactionPath(interaction.id);
    return issueCodeRedirect(ctx, request, session.userId, grant.id, session.authTime, session.sessionId);
  }
  if (request.prompt.includes('none'))
    return fail(ctx, interaction, new ConsentRequired("the app needs the person's consent"));
  return interactionPath(interaction.id);
}

/**
 * prompt=login asks for a sign-in made after the request; max_age for one at most that old when
 * the request was made (OIDC Core §3.1.2.1). A sign-in made for this request satisfies both, so
 * max_age=0 cannot loop.
 */
function needsFreshSignIn({ request, createdAt }: Interaction, session: SignedInSession): boolean {
  if (session.authTime >= createdAt) return false;
  return (
    request.prompt.includes('login') ||
    (request.maxAge !== undefined && createdAt - session.authTime > request.maxAge * 1000)
  );
}

/** Approves (stores or widens the grant) and issues the code. */
export async function approveAuthorization(
  ctx: OAuthContext,
  interaction: Interaction,
  session: SignedInSession,
): Promise<string> {
  const { request } = interaction;
  const grantId = await new GrantRepository(ctx.database.db).approve(
    newId(),
    session.userId,
    request.clientId,
    request.scopes,
    request.resources,
    ctx.clock.now(),
  );
  return issueCodeRedirect(ctx, request, session.userId, grantId, session.authTime, session.sessionId);
}

export function interactionPath(id: string): string {
  return `/oauth/interaction/${id}`;
}

async function fail(ctx: OAuthContext, interaction: Interaction, error: OAuthError): Promise<never> {
  await new InteractionRepository(ctx.database.db).take(interaction.id);
  throw new RedirectableError(error, interaction.request.redirectUri, interaction.request.state);
}

/** A product page finished its step: the authorization moves on (to the next step or consent). */
export async function completeInteractionStep(ctx: OAuthContext, interactionId: string, step: string): Promise<string> {
  const interactions = new InteractionRepository(ctx.database.db);
  const interaction = await interactions.find(interactionId, ctx.clock.now());
  if (!interaction) throw new Error('the authorization request has expired');
  const steps = (interaction.request.steps ?? []).filter((s) => s !== step);
  await interactions.updateRequest(interactionId, { ...interaction.request, steps });
  return interactionPath(interactionId);
}

/** The pending authorization request behind a product's step page. */
export async function getInteraction(ctx: OAuthContext, interactionId: string): Promise<Interaction | undefined> {
  return new InteractionRepository(ctx.database.db).find(interactionId, ctx.clock.now());
}
