import type { OAuthContext } from '../oauth-context.ts';
import { newOrderedToken, newTimeOrderedId, tokenKey } from '../../kernel/crypto/tokens.ts';
import type { LoadedKey } from '../../kernel/keys/key-ring.ts';
import type { RegisteredResource } from '../../kernel/scope-registry.ts';
import type { Client } from '../clients/client.ts';
import { audienceFor } from '../checks/check-resource.ts';
import { lifetimesFor } from '../lifetimes.ts';
import { accessTokenContents, signAccessToken } from './access-token.ts';
import { signAccessAndIdToken } from './id-token.ts';
import type { NewRefreshToken } from './token-family-repository.ts';

/** The JSON body of a successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  /** `DPoP` when the access token is bound to a DPoP key (RFC 9449 §5). */
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

export interface IssueInput {
  client: Client;
  subject: string;
  scopes: string[];
  resources: RegisteredResource[];
  familyId?: string;
  withRefreshToken: boolean;
  nonce?: string | null;
  authTime?: number | null;
  /** The verified DPoP key thumbprint of the request: the access token is bound to it. */
  dpopJkt?: string | undefined;
  /** The sign-in session behind the tokens: the ID token's `sid` (Back-Channel Logout §2.1). */
  sessionId?: string | null;
  /** The refresh token to answer with, when the grant decides it (a rotation's successor). */
  refreshToken?: string;
  /** Mint again the recorded access token of a successor replayed inside the grace window. */
  accessAgain?: { jti: string; expiresAt: number };
}

export interface IssuedTokens {
  response: TokenResponse;
  access: { jti: string; expiresAt: number };
  /** The refresh token's lookup key, its expiry (epoch ms) and its lifetime (ms). */
  refresh?: { hash: string; expiresAt: number; lifetimeMs: number };
  /** Under `caledee` a rotation revokes the previous access token as well. */
  revokeOldAccessOnRotation: boolean;
}

/**
 * Tokens as minted: what storage records of them is decided at once; the response follows when
 * the signatures come back. `response` never rejects unheard: a grant may commit beside the
 * signing and drop the response when its commit lost.
 */
export interface MintedTokens extends Omit<IssuedTokens, 'response'> {
  response: Promise<TokenResponse>;
}

/**
 * Mints the tokens of one response: the JWT access token, an opaque refresh token and, when
 * `openid` is granted, the ID token. Storing them is the grant's business. Signing waits on
 * another thread, so a grant mints outside its storage units, never inside one (token-store.ts).
 */
export async function issueTokens(
  ctx: Pick<OAuthContext, 'config' | 'clock' | 'registry'>,
  key: LoadedKey,
  input: IssueInput,
): Promise<IssuedTokens> {
  const minted = mintTokens(ctx, key, input);
  return { ...minted, response: await minted.response };
}

/**
 * `issueTokens` in two steps: its ids, hashes and expiries now, the signed response later. The
 * code and refresh grants commit while their tokens are being signed, instead of after: a
 * request then waits for the longer of the two hand-offs to other threads, not for both.
 */
export function mintTokens(
  ctx: Pick<OAuthContext, 'config' | 'clock' | 'registry'>,
  key: LoadedKey,
  input: IssueInput,
): MintedTokens {
  const { config, clock } = ctx;
  const now = clock.now();
  const life = lifetimesFor(input.resources, input.client, config, ctx.registry);
  const access = accessTokenContents(key, {
    issuer: config.ISSUER,
    subject: input.subject,
    clientId: input.client.id,
    audience: audienceFor(
      input.resources.map((r) => r.uri),
      input.scopes,
      config.ISSUER,
    ),
    scopes: input.scopes,
    ttlSeconds: life.accessTtl,
    nowMs: now,
    ...(input.familyId ? { familyId: input.familyId } : {}),
    authTime: input.authTime ?? null,
    ...(input.dpopJkt ? { dpopJkt: input.dpopJkt } : {}),
    ...(input.accessAgain ? { again: input.accessAgain } : {}),
  });
  const response: TokenResponse = {
    access_token: '',
    token_type: input.dpopJkt ? 'DPoP' : 'Bearer',
    expires_in: input.accessAgain ? Math.max(0, Math.floor((access.expiresAt - now) / 1000)) : life.accessTtl,
    scope: input.scopes.join(' '),
  };
  let refresh: IssuedTokens['refresh'];
  if (input.withRefreshToken) {
    const token = input.refreshToken ?? newOrderedToken('rt_', now);
    response.refresh_token = token;
    const lifetimeMs = life.refreshTtl * 1000;
    refresh = { hash: tokenKey(token), expiresAt: now + lifetimeMs, lifetimeMs };
  }
  // Every response whose scopes include `openid` carries an ID token, a refresh's too (the
  // contract's token response; OIDC Core §12.2 gives its rules: same iss, sub, aud and auth_time).
  const signed = input.scopes.includes('openid')
    ? signAccessAndIdToken(key, access, {
        issuer: config.ISSUER,
        subject: input.subject,
        clientId: input.client.id,
        nonce: input.nonce ?? null,
        authTime: input.authTime ?? null,
        sessionId: input.sessionId ?? null,
        nowMs: now,
        ttlSeconds: life.accessTtl,
      })
    : signAccessToken(key, access).then((token) => ({ accessToken: token, idToken: undefined }));
  const signedResponse = signed.then(({ accessToken, idToken }): TokenResponse => {
    response.access_token = accessToken;
    if (idToken) response.id_token = idToken;
    return response;
  });
  signedResponse.catch(() => {}); // heard by whoever awaits it; not fatal to one who dropped it
  return {
    response: signedResponse,
    access: { jti: access.jti, expiresAt: access.expiresAt },
    ...(refresh ? { refresh } : {}),
    revokeOldAccessOnRotation: life.revokeOldAccessOnRotation,
  };
}

/**
 * The row of a new family's first refresh token, from the tokens just issued (the code and
 * device grants): null when the response carries none.
 */
export function firstRefreshToken(
  issued: Pick<IssuedTokens, 'access' | 'refresh'>,
  { familyId, scopes, dpopJkt, now }: { familyId: string; scopes: string[]; dpopJkt: string | null; now: number },
): NewRefreshToken | null {
  if (!issued.refresh) return null;
  return {
    id: newTimeOrderedId(),
    tokenHash: issued.refresh.hash,
    familyId,
    parentId: null,
    scopes,
    createdAt: now,
    expiresAt: issued.refresh.expiresAt,
    accessJti: issued.access.jti,
    accessExpiresAt: issued.access.expiresAt,
    dpopJkt,
  };
}
