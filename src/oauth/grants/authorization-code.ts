import { newId, sha256 } from '../../crypto/tokens.ts';
import { checkCodeVerifier } from '../checks/check-pkce.ts';
import { narrowResources } from '../checks/check-resource.ts';
import { InvalidGrant, InvalidRequest } from '../errors.ts';
import { AuthorizationCodeRepository } from '../tokens/authorization-code-repository.ts';
import { TokenFamilyRepository } from '../tokens/token-family-repository.ts';
import { issueTokens } from '../tokens/token-issuer.ts';
import type { GrantHandler } from './grant-handler.ts';

/**
 * authorization_code: single use, short-lived, bound to client, redirect URI, PKCE challenge,
 * resources and nonce. A second redemption revokes what the first one issued.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 */
export const authorizationCodeGrant: GrantHandler = {
  name: 'authorization_code',
  async handle(ctx, { single, resource }, client) {
    const code = single.code;
    if (!code) throw new InvalidRequest('code is required');
    const codes = new AuthorizationCodeRepository(ctx.database.db);
    const record = await codes.findByHash(sha256(code));
    const now = ctx.clock.now();
    if (!record || record.clientId !== client.id) throw new InvalidGrant('the authorization code is invalid');
    if (record.consumedAt !== null) {
      if (record.familyId) await ctx.revocations.revokeFamily(record.familyId);
      throw new InvalidGrant('the authorization code was already used; tokens issued from it are revoked');
    }
    if (record.expiresAt <= now) throw new InvalidGrant('the authorization code has expired');
    checkRedirectBinding(single.redirect_uri, record.redirectUri, record.redirectUriSent);
    checkCodeVerifier(single.code_verifier, record.codeChallenge, record.codeChallengeMethod);
    const resourceUris = narrowResources(resource, record.resources);
    const resources = resourceUris.map((uri) => ctx.registry.resource(uri)).filter((r) => r !== undefined);

    const familyId = newId();
    const withRefreshToken = client.grantTypes.includes('refresh_token');
    const issued = await issueTokens(ctx, {
      client, subject: record.userId, scopes: record.scopes, resources, familyId, withRefreshToken, nonce: record.nonce, authTime: record.authTime,
    });
    await ctx.database.db.transaction().execute(async (trx) => {
      const tx = new TokenFamilyRepository(trx);
      // Consuming inside the transaction that stores the family: a racing second redemption
      // waits for this commit and then finds the family to revoke.
      if (!(await new AuthorizationCodeRepository(trx).consume(record.codeHash, familyId, now))) {
        throw new InvalidGrant('the authorization code was already used');
      }
      await tx.insertFamily({
        id: familyId, grant_id: record.grantId, client_id: client.id, user_id: record.userId, scopes: JSON.stringify(record.scopes),
        resources: JSON.stringify(resourceUris), auth_time: record.authTime, created_at: now,
        expires_at: issued.refresh?.expiresAt ?? issued.access.expiresAt, revoked_at: null,
      });
      if (issued.refresh) {
        await tx.insertRefreshToken({
          id: newId(), token_hash: issued.refresh.hash, family_id: familyId, parent_id: null, status: 'active', scopes: JSON.stringify(record.scopes),
          created_at: now, expires_at: issued.refresh.expiresAt, rotated_at: null, access_jti: issued.access.jti, access_expires_at: issued.access.expiresAt,
          successor_response: null, successor_response_expires_at: null,
        });
      }
    });
    return issued.response;
  },
};

/** OAuth 2.1 §4.1.3: redirect_uri must be repeated, identical, when the authorization request carried it. */
function checkRedirectBinding(sent: string | undefined, bound: string, wasSent: boolean): void {
  if (sent === undefined) {
    if (wasSent) throw new InvalidGrant('redirect_uri is required because the authorization request included it');
    return;
  }
  if (sent !== bound) throw new InvalidGrant('redirect_uri does not match the authorization request');
}
