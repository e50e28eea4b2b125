import type { OAuthContext } from '../oauth-context.ts';
import type { Client } from '../clients/client.ts';
import { checkCodeChallenge } from '../checks/check-pkce.ts';
import { resolveClient } from '../clients/metadata-document/resolve-client.ts';
import { matchRedirectUri } from '../checks/check-redirect-uri.ts';
import { resolveResources } from '../checks/check-resource.ts';
import { checkRequestedScopes } from '../checks/check-scope.ts';
import { InvalidRequest, OAuthError, UnsafeAuthorizationRequest, UnsupportedResponseType } from '../errors.ts';
import type { ReadParams } from '../endpoints/read-params.ts';
import { readDpopJkt } from '../dpop/authorization-code-binding.ts';

/** A validated authorization request, as kept while the person signs in and consents. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  redirectUriSent: boolean;
  scopes: string[];
  resources: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  prompt: string[];
  /** OIDC `max_age` in seconds: the sign-in must be at most this old. */
  maxAge?: number;
  loginHint?: string;
  /** Product pages still to visit before consent (see InteractionStep). */
  steps?: string[];
  /** RFC 9449 §10: the DPoP key the code is bound to (`dpop_jkt`, or the key of a proof sent to PAR). */
  dpopJkt?: string;
  /** The client is held to FAPI 2.0: its code lives at most 60 s. */
  fapi2?: boolean;
}

/** An error that goes back to the client's redirect URI with `state` and `iss`. */
export class RedirectableError extends Error {
  constructor(
    readonly error: OAuthError,
    readonly redirectUri: string,
    readonly state: string | undefined,
  ) {
    super(error.message);
  }
}

const PROMPTS = new Set(['none', 'login', 'consent']);

/**
 * Free-text parameters kept with a pending request are capped, so an anonymous request cannot
 * make the server store kilobytes for half an hour (review #5).
 */
export const MAX_FREE_TEXT_LENGTH = 512;
const FREE_TEXT_PARAMS = ['state', 'nonce', 'login_hint'] as const;

/**
 * Validates an authorization request in the order RFC 6749 §4.1.2.1 demands: first the client
 * and redirect URI (failures become a page, never a redirect), then everything else (failures
 * go back to the client with `state` and `iss`). `entry.defaultScopes` are the entry point's
 * scopes for a request that names none (else the client's defaults apply); `entry.pushed` says
 * the request came through /oauth/par (RFC 9126), which a client or the server may require.
 */
export async function validateAuthorizationRequest(
  ctx: OAuthContext,
  { single, resource }: ReadParams,
  entry: { defaultScopes?: string[]; pushed?: boolean } = {},
): Promise<{ client: Client; request: AuthorizationRequest }> {
  if (!single.client_id) throw new UnsafeAuthorizationRequest('invalid_request', 'client_id is missing');
  const client = await resolveClient(ctx, single.client_id);
  if (!client) throw new UnsafeAuthorizationRequest('invalid_client', 'unknown client_id');
  const redirectUri = chooseRedirectUri(client, single.redirect_uri);
  // An oversized state is not echoed back: the error says why instead.
  const state = single.state !== undefined && single.state.length <= MAX_FREE_TEXT_LENGTH ? single.state : undefined;
  try {
    for (const name of FREE_TEXT_PARAMS) {
      if ((single[name]?.length ?? 0) > MAX_FREE_TEXT_LENGTH)
        throw new InvalidRequest(`${name} must be at most ${MAX_FREE_TEXT_LENGTH} characters`);
    }
    if (!single.response_type) throw new InvalidRequest('response_type is required');
    if (single.response_type !== 'code') throw new UnsupportedResponseType('only response_type=code is supported');
    if (!client.grantTypes.includes('authorization_code'))
      throw new OAuthError('unauthorized_client', 'the client may not use the authorization code flow');
    if (single.response_mode !== undefined && single.response_mode !== 'query')
      throw new InvalidRequest('only response_mode=query is supported');
    // Unwrapped before validation (resolve-request-parameters.ts); still here, they were nested.
    if (single.request !== undefined || single.request_uri !== undefined)
      throw new InvalidRequest('request and request_uri cannot appear inside a request');
    if (
      !entry.pushed &&
      (ctx.config.REQUIRE_PUSHED_AUTHORIZATION_REQUESTS || client.requirePushedAuthorizationRequests || client.fapi2)
    )
      throw new InvalidRequest('authorization requests must be pushed to /oauth/par first (RFC 9126)');
    // FAPI 2.0: the pushed request names its redirect_uri, even when only one is registered.
    if (client.fapi2 && single.redirect_uri === undefined)
      throw new InvalidRequest('redirect_uri is required of a FAPI 2.0 client');
    const prompt = parsePrompt(single.prompt);
    const maxAge = parseMaxAge(single.max_age);
    const scopes = checkRequestedScopes(single.scope, client, ctx.registry, entry.defaultScopes);
    const resources = resolveResources(resource, scopes, ctx.registry).map((r) => r.uri);
    const pkce = checkCodeChallenge(client, single.code_challenge, single.code_challenge_method);
    const dpopJkt = readDpopJkt(single.dpop_jkt);
    const request: AuthorizationRequest = {
      clientId: client.id,
      redirectUri,
      redirectUriSent: single.redirect_uri !== undefined,
      scopes,
      resources,
      prompt,
    };
    if (state !== undefined) request.state = state;
    if (single.nonce !== undefined) request.nonce = single.nonce;
    if (pkce) Object.assign(request, { codeChallenge: pkce.challenge, codeChallengeMethod: pkce.method });
    if (single.login_hint !== undefined) request.loginHint = single.login_hint;
    if (maxAge !== undefined) request.maxAge = maxAge;
    if (dpopJkt !== undefined) request.dpopJkt = dpopJkt;
    if (client.fapi2) request.fapi2 = true;
    return { client, request };
  } catch (error) {
    if (error instanceof OAuthError) throw new RedirectableError(error, redirectUri, state);
    throw error;
  }
}

/** The redirect URI to use: the registered one that matches, or the only one when none is sent. */
function chooseRedirectUri(client: Client, requested: string | undefined): string {
  if (requested === undefined) {
    if (client.redirectUris.length === 1) return client.redirectUris[0]!;
    throw new UnsafeAuthorizationRequest(
      'invalid_request',
      'redirect_uri is required: the client has several registered',
    );
  }
  if (!matchRedirectUri(requested, client.redirectUris))
    throw new UnsafeAuthorizationRequest('invalid_request', 'redirect_uri is not registered for this client');
  return requested;
}

/** OIDC Core §3.1.2.1: max_age is a number of seconds (0 = sign in again, as prompt=login). */
function parseMaxAge(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,10}$/.test(value)) throw new InvalidRequest('max_age must be a non-negative number of seconds');
  return Number(value);
}

function parsePrompt(value: string | undefined): string[] {
  if (value === undefined) return [];
  const prompts = value.split(' ').filter(Boolean);
  for (const p of prompts) {
    if (!PROMPTS.has(p)) throw new InvalidRequest(`unsupported prompt value ${p}`);
  }
  if (prompts.includes('none') && prompts.length > 1)
    throw new InvalidRequest('prompt=none cannot be combined with other values');
  return prompts;
}
