import type { OAuthContext } from '../oauth-context.ts';

/**
 * Deletes a client with everything issued to it (grants, codes and token families go with the
 * row), then tells the grant lifecycle's listeners so what lived on its consent ends too.
 */
export async function deleteClient(ctx: OAuthContext, clientId: string): Promise<boolean> {
  const deleted = await ctx.clients.delete(clientId);
  if (deleted) await ctx.grantLifecycle.clientDeleted(clientId);
  return deleted;
}
