import { newTimeOrderedId, sha256 } from '../../crypto/tokens.ts';
import type { AppContext } from '../../context.ts';
import type { LoadedKey } from '../../keys/key-ring.ts';
import type { Client } from '../clients/client.ts';
import { checkNarrowedScopes } from '../checks/check-scope.ts';
import { narrowResources } from '../checks/check-resource.ts';
import { InvalidGrant, InvalidRequest } from '../errors.ts';
import type { RefreshTokenRecord } from '../tokens/token-family-repository.ts';
import { issueTokens, type TokenResponse } from '../tokens/token-issuer.ts';
import type { TokenTransaction } from '../tokens/token-store.ts';
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
    const request: RotationRequest = { hash: sha256(token), client, scope: single.scope, resource, key: await ctx.keys.signingKey() };
    const outcome = await ctx.tokenStore.transact((tx) => rotate(ctx, tx, request));
    if (outcome.kind === 'family-revoked') {
      await ctx.revocations.announceFamilyRevoked(outcome.familyId);
      throw new InvalidGrant('the refresh token was already used; every token of its family is revoked');
    }
    if (outcome.revokedAccessJti) await ctx.revocations.announceAccessTokenRevoked(outcome.revokedAccessJti);
    return outcome.response;
  },
};

interface RotationRequest {
  hash: string;
  client: Client;
  scope: string | undefined;
  resource: string[];
  key: LoadedKey;
}

/** A revoked family is an outcome, not an exception: its revocation must be committed. */
type Rotation =
  | { kind: 'issued'; response: TokenResponse; revokedAccessJti?: string }
  | { kind: 'family-revoked'; familyId: string };

const FAMILY_EXTENSION_STEP_MS = 86_400_000;

async function rotate(ctx: AppContext, tx: TokenTransaction, request: RotationRequest): Promise<Rotation> {
  const { client } = request;
  const record = await tx.families.findRefreshToken(request.hash);
  const now = ctx.clock.now();
  if (!record || record.family.clientId !== client.id) throw new InvalidGrant('the refresh token is invalid');
  if (record.family.revokedAt !== null || record.status === 'revoked') throw new InvalidGrant('the refresh token was revoked');
  if (record.expiresAt <= now) throw new InvalidGrant('the refresh token has expired');
  const scopes = checkNarrowedScopes(request.scope, record.family.scopes);
  const resourceUris = narrowResources(request.resource, record.family.resources);
  const fingerprint = sha256(JSON.stringify([scopes, resourceUris]));
  if (record.status === 'rotated') return replayOrRevoke(ctx, tx, record, fingerprint, now);

  const resources = resourceUris.map((uri) => ctx.registry.resource(uri)).filter((r) => r !== undefined);
  const issued = issueTokens(ctx, request.key, {
    client, subject: record.family.userId ?? client.id, scopes, resources, familyId: record.familyId, withRefreshToken: true, authTime: record.family.authTime,
    withIdToken: false,
  });
  const graceMs = ctx.config.REFRESH_REUSE_GRACE_SECONDS * 1000;
  const parked = graceMs > 0 ? ctx.sealedResponses.seal(JSON.stringify({ fingerprint, response: issued.response })) : null;
  if (!(await tx.families.markRotated(record.id, now, parked, parked ? now + graceMs : null))) {
    // Another node rotated this token between our read and our write (PostgreSQL): a replay.
    const current = await tx.families.findRefreshToken(request.hash);
    if (!current) throw new InvalidGrant('the refresh token is invalid');
    return replayOrRevoke(ctx, tx, current, fingerprint, now);
  }
  await tx.families.insertRefreshToken({
    id: newTimeOrderedId(), token_hash: issued.refresh!.hash, family_id: record.familyId, parent_id: record.id, status: 'active', scopes: JSON.stringify(scopes),
    created_at: now, expires_at: issued.refresh!.expiresAt, rotated_at: null, access_jti: issued.access.jti, access_expires_at: issued.access.expiresAt,
    successor_response: null, successor_response_expires_at: null,
  });
  // Refresh tokens slide; the family's expiry (for the janitor) follows, a day at a time.
  if (issued.refresh!.expiresAt - record.family.expiresAt > FAMILY_EXTENSION_STEP_MS) await tx.families.extendFamily(record.familyId, issued.refresh!.expiresAt);
  if (issued.revokeOldAccessOnRotation && record.accessJti && record.accessExpiresAt) {
    await tx.families.revokeAccessToken(record.accessJti, record.accessExpiresAt);
    return { kind: 'issued', response: issued.response, revokedAccessJti: record.accessJti };
  }
  return { kind: 'issued', response: issued.response };
}

async function replayOrRevoke(ctx: AppContext, tx: TokenTransaction, record: RefreshTokenRecord, fingerprint: string, now: number): Promise<Rotation> {
  const inGrace = record.status === 'rotated' && record.rotatedAt !== null && now - record.rotatedAt <= ctx.config.REFRESH_REUSE_GRACE_SECONDS * 1000;
  if (inGrace && record.successorResponse && (record.successorResponseExpiresAt ?? 0) > now && record.family.revokedAt === null) {
    const parked = JSON.parse(ctx.sealedResponses.open(record.successorResponse)) as { fingerprint: string; response: TokenResponse };
    if (parked.fingerprint === fingerprint) return { kind: 'issued', response: parked.response };
    throw new InvalidGrant('the refresh token was just rotated by a request with other parameters');
  }
  await tx.families.revokeFamily(record.familyId, now);
  return { kind: 'family-revoked', familyId: record.familyId };
}
