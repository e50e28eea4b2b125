import type { AppContext } from '../../context.ts';
import { AuthorizationCodeRepository } from '../tokens/authorization-code-repository.ts';
import { GrantRepository } from './grant-repository.ts';

/**
 * A person withdraws an app's access: the grant ends, its outstanding codes are used up (the
 * redemption also checks the grant, for a code in flight) and every token issued under it
 * stops working at once (families revoked, caches told). Returns false when the grant was not
 * theirs or already revoked.
 */
export async function revokeGrant(ctx: AppContext, userId: string, grantId: string): Promise<boolean> {
  const revoked = await new GrantRepository(ctx.database.db).revoke(grantId, userId, ctx.clock.now());
  if (!revoked) return false;
  await new AuthorizationCodeRepository(ctx.database.db).consumeAllOfGrant(grantId, ctx.clock.now());
  await ctx.revocations.revokeFamiliesOfGrant(grantId);
  return true;
}
