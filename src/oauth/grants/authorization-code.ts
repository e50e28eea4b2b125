import { newTimeOrderedId, tokenKey } from '../../kernel/crypto/tokens.ts';
import type { AuthorizationCode, CodeRedemption } from '../tokens/authorization-code-repository.ts';
import type { OAuthContext } from '../oauth-context.ts';
import { checkCodeVerifier } from '../checks/check-pkce.ts';
import { narrowResources } from '../checks/check-resource.ts';
import { InvalidGrant, InvalidRequest } from '../errors.ts';
import { firstRefreshToken, mintTokens, type MintedTokens, type TokenResponse } from '../tokens/token-issuer.ts';
import type { TokenTransaction } from '../tokens/token-store.ts';
import type { GrantHandler } from './grant-handler.ts';
import { refreshTokenBinding } from '../dpop/refresh-token-binding.ts';
import { checkCodeBinding } from '../dpop/authorization-code-binding.ts';

/**
 * authorization_code: single use, short-lived, bound to client, redirect URI, PKCE challenge,
 * resources, nonce and, when the request named one, a DPoP key. A second redemption revokes
 * what the first one issued.
 *
 * Two steps: read and check the code, then sign the tokens (off the event loop) while consuming
 * the code and storing the token family in one statement; only one redemption's consume can
 * succeed, and one that fails drops what was signed.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 */
export const authorizationCodeGrant: GrantHandler = {
  name: 'authorization_code',
  async handle(ctx, { single, resource }, client, dpopJkt) {
    const code = single.code;
    if (!code) throw new InvalidRequest('code is required');
    const codeHash = tokenKey(code);
    const record = await ctx.tokenStore.read((tx) => tx.codes.findByHash(codeHash));
    const now = ctx.clock.now();
    if (!record || record.clientId !== client.id) throw new InvalidGrant('the authorization code is invalid');
    if (record.grantRevoked)
      throw new InvalidGrant('the authorization code was revoked: the person withdrew the consent it was issued under');

    let outcome: Redemption;
    if (record.consumedAt !== null) {
      outcome = await ctx.tokenStore.transactOne((tx) => revokeReused(tx, record.familyId, now));
    } else {
      if (record.expiresAt <= now) throw new InvalidGrant('the authorization code has expired');
      checkRedirectBinding(single.redirect_uri, record.redirectUri, record.redirectUriSent);
      checkCodeVerifier(single.code_verifier, record.codeChallenge, record.codeChallengeMethod);
      checkCodeBinding(record.dpopJkt ?? null, dpopJkt);
      const resourceUris = narrowResources(resource, record.resources);
      const resources = resourceUris.map((uri) => ctx.registry.resource(uri)).filter((r) => r !== undefined);
      const familyId = newTimeOrderedId();
      // Committed while the tokens are being signed (see mintTokens).
      const minted = mintTokens(ctx, await ctx.keys.signingKey(), {
        client,
        subject: record.userId,
        scopes: record.scopes,
        resources,
        familyId,
        withRefreshToken: client.grantTypes.includes('refresh_token'),
        nonce: record.nonce,
        authTime: record.authTime,
        dpopJkt,
        sessionId: record.sessionId,
      });
      const refreshJkt = refreshTokenBinding(client, dpopJkt);
      outcome =
        (await commitRedemption(ctx, { record, familyId, resourceUris, minted, refreshJkt, now })) ??
        (await ctx.tokenStore.transact((tx) => settleLostRedemption(tx, codeHash, now)));
    }

    if (outcome.kind === 'reused') {
      if (outcome.familyId) await ctx.revocations.announceFamilyRevoked(outcome.familyId);
      throw new InvalidGrant('the authorization code was already used; tokens issued from it are revoked');
    }
    return outcome.response;
  },
};

/** A reused code is an outcome, not an exception: the revocation of its tokens must be committed. */
type Redemption = { kind: 'issued'; response: TokenResponse } | { kind: 'reused'; familyId: string | null };

/** The redemption's one statement: the code is consumed and its family stored. Undefined when it could not be consumed. */
async function commitRedemption(
  ctx: OAuthContext,
  {
    record,
    familyId,
    resourceUris,
    minted,
    refreshJkt,
    now,
  }: {
    record: AuthorizationCode;
    familyId: string;
    resourceUris: string[];
    minted: MintedTokens;
    refreshJkt: string | null;
    now: number;
  },
): Promise<Redemption | undefined> {
  const redemption: CodeRedemption = {
    codeHash: record.codeHash,
    now,
    family: {
      id: familyId,
      grantId: record.grantId,
      clientId: record.clientId,
      userId: record.userId,
      scopes: record.scopes,
      resources: resourceUris,
      authTime: record.authTime,
      sessionId: record.sessionId ?? null,
      createdAt: now,
      expiresAt: minted.refresh?.expiresAt ?? minted.access.expiresAt,
    },
    refreshToken: firstRefreshToken(minted, { familyId, scopes: record.scopes, dpopJkt: refreshJkt, now }),
  };
  if (!(await ctx.tokenStore.transactOne((tx) => tx.codes.redeem(redemption)))) return undefined;
  return { kind: 'issued', response: await minted.response };
}

/**
 * Another redemption consumed the code since we read it (revoke what that one issued), or its
 * grant was revoked meanwhile (nothing was issued; the unit writes nothing).
 */
async function settleLostRedemption(tx: TokenTransaction, codeHash: string, now: number): Promise<Redemption> {
  const current = await tx.codes.findByHash(codeHash);
  if (current?.grantRevoked)
    throw new InvalidGrant('the authorization code was revoked: the person withdrew the consent it was issued under');
  return revokeReused(tx, current?.familyId ?? null, now);
}

async function revokeReused(tx: TokenTransaction, familyId: string | null, now: number): Promise<Redemption> {
  if (familyId) await tx.families.revokeFamily(familyId, now);
  return { kind: 'reused', familyId };
}

/** OAuth 2.1 §4.1.3: redirect_uri must be repeated, identical, when the authorization request carried it. */
function checkRedirectBinding(sent: string | undefined, bound: string, wasSent: boolean): void {
  if (sent === undefined) {
    if (wasSent) throw new InvalidGrant('redirect_uri is required because the authorization request included it');
    return;
  }
  if (sent !== bound) throw new InvalidGrant('redirect_uri does not match the authorization request');
}
