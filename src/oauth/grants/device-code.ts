import { newTimeOrderedId, sha256 } from '../../kernel/crypto/tokens.ts';
import type { OAuthContext } from '../oauth-context.ts';
import { narrowResources } from '../checks/check-resource.ts';
import { DEVICE_CODE_GRANT_TYPE } from '../device/device-code-grant-type.ts';
import { DeviceAuthorizationRepository, type DeviceAuthorization } from '../device/device-authorization-repository.ts';
import { AccessDenied, AuthorizationPending, ExpiredToken, InvalidGrant, InvalidRequest, SlowDown } from '../errors.ts';
import { firstRefreshToken, issueTokens, type IssuedTokens, type TokenResponse } from '../tokens/token-issuer.ts';
import { TokenFamilyRepository } from '../tokens/token-family-repository.ts';
import type { GrantHandler } from './grant-handler.ts';
import { refreshTokenBinding } from '../dpop/refresh-token-binding.ts';

/**
 * urn:ietf:params:oauth:grant-type:device_code: the device polls until the person decided on
 * /device. Pending: authorization_pending, or slow_down (interval + 5 s) when it polled sooner
 * than its interval; denied: access_denied; past its lifetime: expired_token. An approval is
 * collected once, and answered exactly as an authorization code is (access token, refresh token
 * when the client may refresh, ID token for `openid`).
 *
 * Polls are not the token endpoint's hot path (one per device every few seconds): the
 * collection commits in a plain transaction on either database rather than a group commit.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 */
export const deviceCodeGrant: GrantHandler = {
  name: DEVICE_CODE_GRANT_TYPE,
  async handle(ctx, { single, resource }, client, dpopJkt) {
    const deviceCode = single.device_code;
    if (!deviceCode) throw new InvalidRequest('device_code is required');
    const repo = new DeviceAuthorizationRepository(ctx.database.db);
    const record = await repo.findByDeviceCodeHash(sha256(deviceCode));
    const now = ctx.clock.now();
    if (!record || record.clientId !== client.id) throw new InvalidGrant('the device code is invalid');
    if (record.status === 'consumed') throw new InvalidGrant('the device code was already used');
    if (record.expiresAt <= now) throw new ExpiredToken('the device code has expired; start the sign-in again');
    if (record.status === 'denied' || record.grantRevoked) throw new AccessDenied('the person denied the request');
    if (record.status === 'pending') throw await pendingAnswer(repo, record, now);

    const resourceUris = narrowResources(resource, record.resources);
    const resources = resourceUris.map((uri) => ctx.registry.resource(uri)).filter((r) => r !== undefined);
    const familyId = newTimeOrderedId();
    const issued = await issueTokens(ctx, await ctx.keys.signingKey(), {
      client,
      subject: record.userId!,
      scopes: record.scopes,
      resources,
      familyId,
      withRefreshToken: client.grantTypes.includes('refresh_token'),
      authTime: record.authTime,
      dpopJkt,
    });
    const refreshJkt = refreshTokenBinding(client, dpopJkt);
    return collect(ctx, { record, familyId, resourceUris, issued, refreshJkt, now });
  },
};

/** A poll before the person decided: in time, or too soon (then the interval grows by 5 s). */
async function pendingAnswer(
  repo: DeviceAuthorizationRepository,
  record: DeviceAuthorization,
  now: number,
): Promise<AuthorizationPending | SlowDown> {
  const tooSoon = record.lastPolledAt !== null && now - record.lastPolledAt < record.interval * 1000;
  // A poll recorded since this one read the row raced it: one of the two was too soon.
  if (!tooSoon && (await repo.recordPoll(record.id, record.lastPolledAt, now)))
    return new AuthorizationPending('the person has not approved the request yet');
  await repo.slowDown(record.id, now);
  return new SlowDown(`polling too fast: wait ${record.interval + 5} seconds between requests`);
}

/** Consumes the approval and stores the token family in one transaction; only one poll wins. */
async function collect(
  ctx: OAuthContext,
  {
    record,
    familyId,
    resourceUris,
    issued,
    refreshJkt,
    now,
  }: {
    record: DeviceAuthorization;
    familyId: string;
    resourceUris: string[];
    issued: IssuedTokens;
    refreshJkt: string | null;
    now: number;
  },
): Promise<TokenResponse> {
  return ctx.database.db.transaction().execute(async (trx) => {
    const repo = new DeviceAuthorizationRepository(trx);
    if (!(await repo.consume(record.id, familyId))) {
      // Another poll collected it since we read it, or its grant was revoked meanwhile.
      const current = await repo.findById(record.id);
      if (current?.status === 'denied' || current?.grantRevoked)
        throw new AccessDenied('the person withdrew the consent');
      throw new InvalidGrant('the device code was already used');
    }
    const families = new TokenFamilyRepository(trx);
    await families.insertFamily({
      id: familyId,
      grantId: record.grantId,
      clientId: record.clientId,
      userId: record.userId,
      scopes: record.scopes,
      resources: resourceUris,
      authTime: record.authTime,
      createdAt: now,
      expiresAt: issued.refresh?.expiresAt ?? issued.access.expiresAt,
    });
    const refreshToken = firstRefreshToken(issued, { familyId, scopes: record.scopes, dpopJkt: refreshJkt, now });
    if (refreshToken) await families.insertRefreshToken(refreshToken);
    return issued.response;
  });
}
