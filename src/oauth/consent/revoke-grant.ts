import type { OAuthContext } from '../oauth-context.ts';
import { AuthorizationCodeRepository } from '../tokens/authorization-code-repository.ts';
import { DeviceAuthorizationRepository } from '../device/device-authorization-repository.ts';
import { GrantRepository } from './grant-repository.ts';

/**
 * A person withdraws an app's access: the grant ends, its outstanding codes are used up and its
 * uncollected device approvals denied (redemptions also check the grant, for one in flight),
 * every token issued under it stops working at once (families revoked, caches told), and the
 * grant lifecycle's listeners end what lived on it (webhooks an app registered). Returns false
 * when the grant was not theirs or already revoked.
 */
export async function revokeGrant(ctx: OAuthContext, userId: string, grantId: string): Promise<boolean> {
  const revoked = await new GrantRepository(ctx.database.db).revoke(grantId, userId, ctx.clock.now());
  if (!revoked) return false;
  await new AuthorizationCodeRepository(ctx.database.db).consumeAllOfGrant(grantId, ctx.clock.now());
  await new DeviceAuthorizationRepository(ctx.database.db).denyAllOfGrant(grantId);
  await ctx.revocations.revokeFamiliesOfGrant(grantId);
  await ctx.grantLifecycle.grantRevoked({ grantId, userId });
  return true;
}
