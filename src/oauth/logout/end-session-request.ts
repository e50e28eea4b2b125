import type { SignedInSession } from '../../accounts/index.ts';
import type { Client } from '../clients/client.ts';
import type { OAuthContext } from '../oauth-context.ts';
import { InvalidIdTokenHint, verifyIdTokenHint, type IdTokenHint } from './id-token-hint.ts';

/** A sign-out request this server will not act on; the reason is safe to show and never redirected. */
export class LogoutRequestRefused extends Error {}

/** A validated RP-initiated logout request. */
export interface EndSessionRequest {
  client: Client | undefined;
  hint: IdTokenHint | undefined;
  /** Registered by the client, compared exactly; absent: the person sees our "signed out" page. */
  postLogoutRedirectUri: string | undefined;
  state: string | undefined;
}

/**
 * Checks the parameters of RP-Initiated Logout 1.0 §2: `id_token_hint` must be an ID token we
 * issued (expired is fine), `client_id` must agree with its audience, and
 * `post_logout_redirect_uri` must be one the client registered — string equality, no loopback
 * port exception — so the endpoint can never be an open redirect. `ui_locales` and
 * `logout_hint` are accepted and not used (the pages are in English; the session decides who).
 * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout
 */
export async function readEndSessionRequest(
  ctx: OAuthContext,
  params: Record<string, string | undefined>,
): Promise<EndSessionRequest> {
  let hint: IdTokenHint | undefined;
  if (params.id_token_hint) {
    try {
      hint = await verifyIdTokenHint(ctx.keys, ctx.config.ISSUER, params.id_token_hint);
    } catch (error) {
      if (error instanceof InvalidIdTokenHint)
        throw new LogoutRequestRefused(`The id_token_hint cannot be used: ${error.message}.`);
      throw error;
    }
  }
  if (params.client_id && hint && params.client_id !== hint.clientId)
    throw new LogoutRequestRefused('The client_id is not the app the id_token_hint was issued to.');
  const clientId = params.client_id ?? hint?.clientId;
  const client = clientId ? await ctx.clients.findById(clientId) : undefined;
  if (clientId && !client) throw new LogoutRequestRefused('The app asking to sign you out is not registered here.');
  const uri = params.post_logout_redirect_uri;
  if (uri !== undefined) {
    if (!client)
      throw new LogoutRequestRefused(
        'A post_logout_redirect_uri needs the app to be named (client_id or id_token_hint).',
      );
    if (!client.postLogoutRedirectUris.includes(uri))
      throw new LogoutRequestRefused('The post_logout_redirect_uri is not registered for this app.');
  }
  return { client, hint, postLogoutRedirectUri: uri, state: params.state };
}

/**
 * Whether the hint shows that the app asking is one the person signed in to in this very session
 * (or, for an ID token carrying no `sid`, as this person): then sign-out needs no confirmation.
 */
export function hintMatchesSession(hint: IdTokenHint | undefined, session: SignedInSession): boolean {
  if (!hint || hint.subject !== session.userId) return false;
  return hint.sessionId === undefined || hint.sessionId === session.sessionId;
}

/** Where the browser goes once signed out: the registered URI with `state` added, or our page. */
export function postLogoutLocation(request: EndSessionRequest): string | undefined {
  if (!request.postLogoutRedirectUri) return undefined;
  const url = new URL(request.postLogoutRedirectUri);
  if (request.state !== undefined) url.searchParams.append('state', request.state);
  return url.toString();
}
