import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { OAuthContext } from '../oauth-context.ts';
import { sha256 } from '../../kernel/crypto/tokens.ts';
import { RedirectableError, validateAuthorizationRequest } from '../authorization/authorization-request.ts';
import { PushedRequestRepository } from '../authorization/pushed-request-repository.ts';
import { readRequestObject } from '../authorization/request-object.ts';
import { PAR_REQUEST_URI_PREFIX } from '../authorization/resolve-request-parameters.ts';
import { authenticateClient, credentialsOf } from '../clients/authenticate-client.ts';
import { InvalidRequest } from '../errors.ts';
import { InvalidDpopProof, pushedRequestProof } from '../dpop/token-request-proof.ts';
import { formReadInHandler, readFormParams, type ReadParams } from './read-params.ts';
import { ParBody } from './schemas.ts';

/** Client authentication travels with the pushed request but is no part of it. */
const CLIENT_AUTHENTICATION = ['client_secret', 'client_assertion', 'client_assertion_type'];
/** Room for a request object signed with a large RSA key and its client assertion, not more. */
const BODY_LIMIT = 64 * 1024;

/**
 * POST /oauth/par (RFC 9126): the client authenticates as at the token endpoint (a public
 * client names itself), pushes its authorization request — as parameters or a signed request
 * object — and gets a single-use `request_uri` for /oauth/authorize, valid
 * PAR_REQUEST_URI_TTL_SECONDS. The request is validated exactly as /oauth/authorize would,
 * so every error is told to the client here, as JSON, before a browser is involved. A DPoP
 * proof sent along binds the code to its key, as `dpop_jkt` would (RFC 9449 §10.1).
 */
export async function parEndpoint(app: FastifyInstance, ctx: OAuthContext): Promise<void> {
  const pushedRequests = new PushedRequestRepository(ctx.database.db);
  app.post(
    '/oauth/par',
    {
      ...formReadInHandler,
      bodyLimit: BODY_LIMIT,
      schema: {
        summary: 'Pushed authorization request (RFC 9126)',
        tags: ['oauth'],
        consumes: ['application/x-www-form-urlencoded'],
        body: ParBody,
      },
    },
    async (request, reply) => {
      const form = readFormParams(request);
      const client = await authenticateClient(
        credentialsOf(request.headers.authorization, form.single),
        ctx.clientAuth,
      );
      if (form.single.request_uri !== undefined)
        throw new InvalidRequest('request_uri cannot be pushed (RFC 9126 §2.1)');
      const params =
        form.single.request !== undefined
          ? await readRequestObject(ctx, client, form.single.request)
          : withoutClientAuthentication(form, client.id);
      const proofJkt = await pushedRequestProof(ctx, request, client);
      if (proofJkt !== undefined) {
        if (params.single.dpop_jkt !== undefined && params.single.dpop_jkt !== proofJkt)
          throw new InvalidDpopProof('dpop_jkt is not the thumbprint of the DPoP proof’s key');
        params.single.dpop_jkt = proofJkt;
        if (ctx.config.DPOP_NONCE !== 'off') reply.header('dpop-nonce', ctx.dpop.currentNonce());
      }
      try {
        await validateAuthorizationRequest(ctx, params, { pushed: true });
      } catch (error) {
        // Here the client itself is asking: it hears every problem directly.
        throw error instanceof RedirectableError ? error.error : error;
      }
      const requestUri = PAR_REQUEST_URI_PREFIX + randomBytes(32).toString('base64url');
      const now = ctx.clock.now();
      const ttl = ctx.config.PAR_REQUEST_URI_TTL_SECONDS;
      await pushedRequests.insert({
        requestUriHash: sha256(requestUri),
        clientId: client.id,
        params,
        createdAt: now,
        expiresAt: now + ttl * 1000,
      });
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .header('pragma', 'no-cache')
        .send({ request_uri: requestUri, expires_in: ttl });
    },
  );
}

function withoutClientAuthentication(form: ReadParams, clientId: string): ReadParams {
  const single: Record<string, string | undefined> = { ...form.single, client_id: clientId };
  for (const name of CLIENT_AUTHENTICATION) delete single[name];
  return { single, resource: [...form.resource] };
}
