import { newId, sha256 } from '../../crypto/tokens.ts';
import type { AppContext } from '../../context.ts';
import { checkNarrowedScopes } from '../checks/check-scope.ts';
import { narrowResources } from '../checks/check-resource.ts';
import { InvalidGrant, InvalidRequest } from '../errors.ts';
import { TokenFamilyRepository, type RefreshTokenRecord } from '../tokens/token-family-repository.ts';
import { issueTokens, type TokenResponse } from '../tokens/token-issuer.ts';
import type { GrantHandler } from './grant-handler.ts';

/**
 * refresh_token: always rotates. One compare-and-set decides the single successor; a replay
 * inside the grace window (same client, same parameters) gets that successor's response back,
 * and any later replay revokes the whole family.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
export const refreshTokenGrant: GrantHandler = {
  name: 'refresh_token',
  async handle(ctx, { single, resource }, client) {
    const token = single.refresh_token;
    if (!token) throw new InvalidRequest('refresh_token is required');
    const hash = sha256(token);
    const record = await ctx.families.findRefreshToken(hash);
    const now = ctx.clock.now();
    if (!record || record.family.clientId !== client.id) throw new InvalidGrant('the refresh token is invalid');
    if (record.family.revokedAt !== null || record.status === 'revoked') throw new InvalidGrant('the refresh token was revoked');
    if (record.expiresAt <= now) throw new InvalidGrant('the refresh token has expired');
    const scopes = checkNarrowedScopes(single.scope, record.family.scopes);
    const resourceUris = narrowResources(resource, record.family.resources);
    const fingerprint = sha256(JSON.stringify([scopes, resourceUris]));
    if (record.status === 'rotated') return replayOrRevoke(ctx, record, fingerprint);

    const resources = resourceUris.map((uri) => ctx.registry.resource(uri)).filter((r) => r !== undefined);
    const issued = await issueTokens(ctx, {
      client, subject: record.family.userId ?? client.id, scopes, resources, familyId: record.familyId, withRefreshToken: true, authTime: record.family.authTime,
      withIdToken: false,
    });
    const graceMs = ctx.config.REFRESH_REUSE_GRACE_SECONDS * 1000;
    const parked = graceMs > 0 ? ctx.sealedResponses.seal(JSON.stringify({ fingerprint, response: issued.response })) : null;
    const won = await ctx.database.db.transaction().execute(async (trx) => {
      const tx = new TokenFamilyRepository(trx);
      if (!(await tx.markRotated(record.id, now, parked, parked ? now + graceMs : null))) return false;
      await tx.insertRefreshToken({
        id: newId(), token_hash: issued.refresh!.hash, family_id: record.familyId, parent_id: record.id, status: 'active', scopes: JSON.stringify(scopes),
        created_at: now, expires_at: issued.refresh!.expiresAt, rotated_at: null, access_jti: issued.access.jti, access_expires_at: issued.access.expiresAt,
        successor_response: null, successor_response_expires_at: null,
      });
      // Refresh tokens slide; the family's expiry (for the janitor) follows, a day at a time.
      if (issued.refresh!.expiresAt - record.family.expiresAt > FAMILY_EXTENSION_STEP_MS) await tx.extendFamily(record.familyId, issued.refresh!.expiresAt);
      if (issued.revokeOldAccessOnRotation && record.accessJti && record.accessExpiresAt) await tx.revokeAccessToken(record.accessJti, record.accessExpiresAt);
      return true;
    });
    if (!won) {
      // Another request rotated this token between our read and our write: answer as a replay.
      const current = await ctx.families.findRefreshToken(hash);
      if (!current) throw new InvalidGrant('the refresh token is invalid');
      return replayOrRevoke(ctx, current, fingerprint);
    }
    if (issued.revokeOldAccessOnRotation && record.accessJti) await ctx.revocations.announceAccessTokenRevoked(record.accessJti);
    return issued.response;
  },
};

const FAMILY_EXTENSION_STEP_MS = 86_400_000;

async function replayOrRevoke(ctx: AppContext, record: RefreshTokenRecord, fingerprint: string): Promise<TokenResponse> {
  const now = ctx.clock.now();
  const inGrace = record.status === 'rotated' && record.rotatedAt !== null && now - record.rotatedAt <= ctx.config.REFRESH_REUSE_GRACE_SECONDS * 1000;
  if (inGrace && record.successorResponse && (record.successorResponseExpiresAt ?? 0) > now && record.family.revokedAt === null) {
    const parked = JSON.parse(ctx.sealedResponses.open(record.successorResponse)) as { fingerprint: string; response: TokenResponse };
    if (parked.fingerprint === fingerprint) return parked.response;
    throw new InvalidGrant('the refresh token was just rotated by a request with other parameters');
  }
  await ctx.revocations.revokeFamily(record.familyId);
  throw new InvalidGrant('the refresh token was already used; every token of its family is revoked');
}
