import type { FastifyInstance } from 'fastify';
import type { Accounts } from '../accounts/index.ts';
import type { OAuthContext } from './oauth-context.ts';
import type { Csrf } from '../ui/csrf.ts';
import { accountAppsEndpoint } from './endpoints/account-apps.ts';
import { authorizeEndpoint } from './endpoints/authorize.ts';
import { deviceAuthorizationEndpoint } from './endpoints/device-authorization.ts';
import { deviceVerificationEndpoints } from './endpoints/device-verification.ts';
import { DeviceFlow } from './device/device-flow.ts';
import { discoveryEndpoints } from './endpoints/discovery.ts';
import { endSessionEndpoints } from './endpoints/end-session.ts';
import { interactionEndpoints } from './endpoints/interaction.ts';
import { introspectEndpoint } from './endpoints/introspect.ts';
import { jwksEndpoint } from './endpoints/jwks.ts';
import { parEndpoint } from './endpoints/par.ts';
import { useOAuthErrorRenderer } from './endpoints/oauth-errors.ts';
import { registerEndpoints } from './endpoints/register.ts';
import { revokeEndpoint } from './endpoints/revoke.ts';
import { tokenEndpoint } from './endpoints/token.ts';
import { userinfoEndpoint } from './endpoints/userinfo.ts';

/** Every endpoint of the authorization server, with the OAuth error renderer. */
export async function oauthRoutes(
  app: FastifyInstance,
  deps: { ctx: OAuthContext; accounts: Accounts; csrf: Csrf },
): Promise<void> {
  const { ctx, accounts, csrf } = deps;
  useOAuthErrorRenderer(app);
  await discoveryEndpoints(app, ctx);
  await jwksEndpoint(app, ctx);
  await authorizeEndpoint(app, ctx, accounts);
  await interactionEndpoints(app, ctx, accounts, csrf);
  await parEndpoint(app, ctx);
  await tokenEndpoint(app, ctx);
  const deviceFlow = new DeviceFlow(ctx);
  await deviceAuthorizationEndpoint(app, ctx, deviceFlow);
  await deviceVerificationEndpoints(app, ctx, deviceFlow, accounts, csrf);
  await revokeEndpoint(app, ctx);
  await introspectEndpoint(app, ctx);
  await userinfoEndpoint(app, ctx, accounts);
  await accountAppsEndpoint(app, ctx, accounts, csrf);
  await registerEndpoints(app, ctx);
  await endSessionEndpoints(app, ctx, accounts, csrf);
}
