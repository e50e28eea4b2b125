import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../routes/route-deps.ts';
import { accountPasskeyRoutes } from './account-passkeys.ts';
import { passkeyScriptRoute } from './passkey-script.ts';
import { signinPasskeyRoutes } from './signin-passkey.ts';

/** The passkey routes, where passkeys can work (see relyingPartyOf); none otherwise. */
export async function passkeyRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const passkeys = deps.services.passkeys;
  if (!passkeys) return;
  await passkeyScriptRoute(app);
  await signinPasskeyRoutes(app, { ...deps, passkeys });
  await accountPasskeyRoutes(app, { ...deps, passkeys });
}
