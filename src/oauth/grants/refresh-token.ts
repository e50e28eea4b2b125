import { newTimeOrderedId, sha256, tokenKey } from '../../kernel/crypto/tokens.ts';
import type { OAuthContext } from '../oauth-context.ts';
import type { Client } from '../clients/client.ts';
import { checkFapi2Scopes, checkNarrowedScopes } from '../checks/check-scope.ts';
import { narrowResources } from '../checks/check-resource.ts';
import { InvalidGrant, InvalidRequest } from '../errors.ts';
import type { RefreshTokenRecord, RefreshTokenRotation } from '../tokens/token-family-repository.ts';
import { mintTokens, type MintedTokens, type TokenResponse } from '../tokens/token-issuer.ts';
import type { TokenTransaction } from '../tokens/token-store.ts';
import type { GrantHandler } from './grant-handler.ts';
import { checkRefreshTokenBinding, refreshTokenBinding } from '../dpop/refresh-token-binding.ts';

/**
 * refresh_token: always rotates. One compare-and-set decides the single successor; a replay
 * inside the grace window (same client, same parameters) gets that same successor back, with its
 * access token minted again under the same `jti`, and any later replay revokes the whole family.
 *
 * Two steps: read the token, then sign its successor (off the event loop) while committing the
 * rotation in one statement that rechecks the token is still unrotated; a commit that loses
 * drops what was signed. A token found rotated (before or by that statement) is settled in a
 * unit that reads it again: a replay, or a revoked family.
 * The successor refresh token is derived from the rotated one (refresh-successor.ts), so a replay
 * finds it again without a stored answer.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
export const refreshTokenGrant: GrantHandler = {
  name: 'refresh_token',
  async handle(ctx, { single, resource }, client, dpopJkt) {
    const token = single.refresh_token;
    if (!token) throw new InvalidRequest('refresh_token is required');
    const hash = tokenKey(token);
    const record = await ctx.tokenStore.read((tx) => tx.families.findRefreshToken(hash));
    const now = ctx.clock.now();
    if (record?.grantRevoked && record.family.clientId === client.id)
      await revokeFamilyOfRevokedGrant(ctx, record.familyId, now);
    checkUsable(record, client, now);
    checkRefreshTokenBinding(record.dpopJkt, dpopJkt);
    const scopes = checkNarrowedScopes(single.scope, record.family.scopes);
    // A scope kept to FAPI 2.0 clients after this token was issued is not renewed for others.
    checkFapi2Scopes(scopes, client, ctx.registry);
    const resourceUris = narrowResources(resource, record.family.resources);
    // A replay inside the grace window gets the successor back only with the same DPoP key.
    const fingerprint = sha256(JSON.stringify([scopes, resourceUris, dpopJkt ?? null]));
    const resources = resourceUris.map((uri) => ctx.registry.resource(uri)).filter((r) => r !== undefined);
    const tokensFor = async (refreshToken: string, accessAgain?: { jti: string; expiresAt: number }) =>
      mintTokens(ctx, await ctx.keys.signingKey(), {
        client,
        subject: record.family.userId ?? client.id,
        scopes,
        resources,
        familyId: record.familyId,
        withRefreshToken: true,
        authTime: record.family.authTime,
        sessionId: record.family.sessionId,
        dpopJkt,
        refreshToken,
        ...(accessAgain ? { accessAgain } : {}),
      });

    let outcome: Rotation | undefined;
    if (record.status !== 'rotated') {
      // Committed while the successor's tokens are being signed (see mintTokens).
      const minted = await tokensFor(ctx.refreshSuccessors.derive(token, record.id, now));
      outcome = await commitRotation(ctx, {
        record,
        minted,
        scopes,
        dpopJkt: refreshTokenBinding(client, dpopJkt),
        fingerprint,
        now,
      });
    }
    // Rotated already, or by another request since we read it (or its family was revoked meanwhile).
    outcome ??= await ctx.tokenStore.transact(async (tx) =>
      replayOrRevoke(ctx, tx, token, await tx.families.findRefreshToken(hash), fingerprint, now),
    );

    if (outcome.kind === 'family-revoked') {
      await ctx.revocations.announceFamilyRevoked(outcome.familyId);
      throw new InvalidGrant('the refresh token was already used; every token of its family is revoked');
    }
    if (outcome.kind === 'replayed') {
      const { successorToken, accessJti, accessExpiresAt } = outcome;
      const again = accessJti && accessExpiresAt ? { jti: accessJti, expiresAt: accessExpiresAt } : undefined;
      return (await tokensFor(successorToken, again)).response;
    }
    if (outcome.revokedAccessJti) await ctx.revocations.announceAccessTokenRevoked(outcome.revokedAccessJti);
    return outcome.response;
  },
};

/**
 * What a rotation records for a replay inside the grace window: this prefix, then the fingerprint
 * of the rotating request. Nothing secret, so it stays until the row expires; no index reads it,
 * so on PostgreSQL the rotation's update stays in the row's page (migration 0023). Rows rotated
 * before derived successors hold a sealed response instead (`v1.…`).
 */
const REPLAYABLE = 'replayable:';

/**
 * A revoked family is an outcome, not an exception: its revocation must be committed. A replay
 * inside the grace window is answered after its unit, since signing waits on the thread pool.
 */
type Rotation =
  | { kind: 'issued'; response: TokenResponse; revokedAccessJti?: string }
  | { kind: 'replayed'; successorToken: string; accessJti: string | null; accessExpiresAt: number | null }
  | { kind: 'family-revoked'; familyId: string };

const FAMILY_EXTENSION_STEP_MS = 86_400_000;

/**
 * A family whose grant was revoked is refused even when the grant's own revocation missed it
 * (a code redeemed concurrently on another node); it is revoked now, once.
 */
async function revokeFamilyOfRevokedGrant(ctx: OAuthContext, familyId: string, now: number): Promise<never> {
  if (await ctx.tokenStore.transactOne((tx) => tx.families.revokeFamily(familyId, now)))
    await ctx.revocations.announceFamilyRevoked(familyId);
  throw new InvalidGrant('the refresh token was revoked: the person withdrew the consent it was issued under');
}

function checkUsable(
  record: RefreshTokenRecord | undefined,
  client: Client,
  now: number,
): asserts record is RefreshTokenRecord {
  if (!record || record.family.clientId !== client.id) throw new InvalidGrant('the refresh token is invalid');
  if (record.family.revokedAt !== null || record.status === 'revoked')
    throw new InvalidGrant('the refresh token was revoked');
  if (record.expiresAt <= now) throw new InvalidGrant('the refresh token has expired');
}

/**
 * The rotation's one statement: the old token flips to rotated (only while still active), its
 * successor is stored, and what a replay inside the grace window is checked against is recorded.
 * Undefined when another request won.
 */
async function commitRotation(
  ctx: OAuthContext,
  {
    record,
    minted,
    scopes,
    dpopJkt,
    fingerprint,
    now,
  }: {
    record: RefreshTokenRecord;
    minted: MintedTokens;
    scopes: string[];
    /** The DPoP key the new refresh token is bound to, or null. */
    dpopJkt: string | null;
    fingerprint: string;
    now: number;
  },
): Promise<Rotation | undefined> {
  const refresh = minted.refresh!;
  const graceMs = ctx.config.REFRESH_REUSE_GRACE_SECONDS * 1000;
  const replayable = graceMs > 0 ? REPLAYABLE + fingerprint : null;
  const revokedAccessJti =
    minted.revokeOldAccessOnRotation && record.accessJti && record.accessExpiresAt ? record.accessJti : undefined;
  const rotation: RefreshTokenRotation = {
    rotatedId: record.id,
    rotatedAt: now,
    replayable,
    replayableUntil: replayable ? now + graceMs : null,
    successor: {
      id: newTimeOrderedId(),
      tokenHash: refresh.hash,
      familyId: record.familyId,
      parentId: record.id,
      scopes,
      createdAt: now,
      expiresAt: refresh.expiresAt,
      accessJti: minted.access.jti,
      accessExpiresAt: minted.access.expiresAt,
      dpopJkt,
    },
    // Refresh tokens slide; the family's expiry (for the janitor, which deletes a family with its
    // tokens) follows, ahead of the newest token: it never ends before a token of its own, and a
    // family that rotates all the time is written at most once a day (or once a lifetime, for
    // tokens that live less than a day, whose families need not linger a day).
    familyExpiresAt:
      refresh.expiresAt > record.family.expiresAt
        ? refresh.expiresAt + Math.min(FAMILY_EXTENSION_STEP_MS, refresh.lifetimeMs)
        : null,
    revokedAccessToken: revokedAccessJti ? { jti: revokedAccessJti, expiresAt: record.accessExpiresAt! } : null,
  };
  if (!(await ctx.tokenStore.transactOne((tx) => tx.families.rotate(rotation)))) return undefined;
  const response = await minted.response;
  return revokedAccessJti ? { kind: 'issued', response, revokedAccessJti } : { kind: 'issued', response };
}

/** For a token already rotated, read again inside the unit that may revoke its family. */
async function replayOrRevoke(
  ctx: OAuthContext,
  tx: TokenTransaction,
  presented: string,
  record: RefreshTokenRecord | undefined,
  fingerprint: string,
  now: number,
): Promise<Rotation> {
  if (!record) throw new InvalidGrant('the refresh token is invalid');
  if (record.family.revokedAt !== null || record.status === 'revoked')
    throw new InvalidGrant('the refresh token was revoked');
  const inGrace =
    record.status === 'rotated' &&
    record.rotatedAt !== null &&
    now - record.rotatedAt <= ctx.config.REFRESH_REUSE_GRACE_SECONDS * 1000;
  const recorded = record.successorResponse;
  if (inGrace && recorded && (record.successorResponseExpiresAt ?? 0) > now) {
    if (!recorded.startsWith(REPLAYABLE)) return parkedResponse(ctx, recorded, fingerprint);
    if (recorded !== REPLAYABLE + fingerprint)
      throw new InvalidGrant('the refresh token was just rotated by a request with other parameters');
    const successorToken = ctx.refreshSuccessors.derive(presented, record.id, record.rotatedAt!);
    const successor = await tx.families.findRefreshToken(tokenKey(successorToken));
    if (!successor) throw new InvalidGrant('the refresh token is invalid');
    return {
      kind: 'replayed',
      successorToken,
      accessJti: successor.accessJti,
      accessExpiresAt: successor.accessExpiresAt,
    };
  }
  await tx.families.revokeFamily(record.familyId, now);
  return { kind: 'family-revoked', familyId: record.familyId };
}

/** A row rotated before successors were derived holds its successor's whole response, sealed. */
function parkedResponse(ctx: OAuthContext, sealed: string, fingerprint: string): Rotation {
  const parked = JSON.parse(ctx.sealedResponses.open(sealed)) as { fingerprint: string; response: TokenResponse };
  if (parked.fingerprint === fingerprint) return { kind: 'issued', response: parked.response };
  throw new InvalidGrant('the refresh token was just rotated by a request with other parameters');
}
