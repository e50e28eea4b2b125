import type { FastifyInstance } from 'fastify';
import type { OAuthContext } from '../oauth-context.ts';
import { perIpLimit } from '../../kernel/http/rate-limit.ts';
import { authenticateClient, credentialsOf } from '../clients/authenticate-client.ts';
import type { DeviceFlow } from '../device/device-flow.ts';
import { formReadInHandler, readFormParams } from './read-params.ts';
import { DeviceAuthorizationBody } from './schemas.ts';

/**
 * POST /oauth/device_authorization: a device without a (usable) browser asks to be signed in.
 * The client authenticates as at the token endpoint (a public client names itself); the answer
 * carries the device code to poll with and the user code the person types on /device.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export async function deviceAuthorizationEndpoint(
  app: FastifyInstance,
  ctx: OAuthContext,
  flow: DeviceFlow,
): Promise<void> {
  app.post(
    '/oauth/device_authorization',
    {
      ...formReadInHandler,
      schema: {
        summary: 'Device authorization endpoint (RFC 8628)',
        tags: ['oauth'],
        consumes: ['application/x-www-form-urlencoded'],
        body: DeviceAuthorizationBody,
      },
      config: perIpLimit(ctx.config.DEVICE_AUTHORIZATION_RATE_LIMIT_PER_MINUTE),
    },
    async (request, reply) => {
      const params = readFormParams(request);
      const client = await authenticateClient(
        credentialsOf(request.headers.authorization, params.single),
        ctx.clientAuth,
      );
      const response = await flow.start(client, params);
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(response);
    },
  );
}
