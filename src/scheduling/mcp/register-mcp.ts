import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { challenge, TokenRejected } from '../../oauth/index.ts';
import { SchedulingError } from '../errors.ts';
import type { SchedulingServices } from '../scheduling-services.ts';
import type { SchedulingTool } from './tool.ts';

export const MCP_PATH = '/api/mcp';

/**
 * The MCP SDK, zod and the tools, loaded on the first MCP request: a node that never serves one
 * does not hold them (~25 MB resident).
 */
async function importMcp() {
  const [{ StreamableHTTPServerTransport }, { buildMcpServer, MCP_TOOLS }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
    import('./build-server.ts'),
  ]);
  return { StreamableHTTPServerTransport, buildMcpServer, tools: MCP_TOOLS };
}
type Mcp = Awaited<ReturnType<typeof importMcp>>;
let mcpModules: Promise<Mcp> | undefined;
const loadMcp = () => (mcpModules ??= importMcp());

/**
 * The MCP server over Streamable HTTP (stateless: a server per request, JSON answers), an
 * OAuth-protected resource: no token → 401 with the RFC 9728 `resource_metadata` challenge;
 * calling a tool the token's scopes do not unlock → 403 insufficient_scope (step-up).
 */
export async function registerMcp(app: FastifyInstance, s: SchedulingServices): Promise<void> {
  const resourceUri = `${s.kernel.config.ISSUER}${MCP_PATH}`;
  const resource = s.kernel.registry.resource(resourceUri)!;
  const guard = s.oauth.requireToken(resourceUri);
  await app.register(async (scope) => {
    scope.setErrorHandler((error: Error, request, reply) => {
      if (error instanceof TokenRejected)
        return reply
          .code(error.status)
          .header('www-authenticate', error.wwwAuthenticate)
          .send({ error: error.code ?? 'invalid_token', error_description: error.description });
      if (error instanceof SchedulingError)
        return reply.code(error.status).send({ error: error.title, error_description: error.message });
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      if (status < 500)
        return reply.code(status).send({ error: 'invalid_request', error_description: 'malformed request' });
      request.log.error({ err: error }, 'MCP request failed');
      return reply
        .code(500)
        .send({ error: 'server_error', error_description: `internal error (request ${request.id})` });
    });
    scope.post(
      MCP_PATH,
      { preHandler: guard, schema: { summary: 'MCP server (Streamable HTTP, JSON-RPC)', tags: ['mcp'] } },
      async (request, reply) => {
        const claims = request.accessToken!;
        const scopes = new Set(claims.scope.split(' '));
        const mcp = await loadMcp();
        const missing = missingScope(mcp.tools, request.body, scopes);
        if (missing) {
          const metadata = s.oauth.resourceMetadataUrl(resource.path);
          return reply
            .code(403)
            .header(
              'www-authenticate',
              challenge({
                error: 'insufficient_scope',
                scope: missing,
                resource_metadata: metadata,
                error_description: `this tool needs scope ${missing}`,
              }),
            )
            .send({ error: 'insufficient_scope', error_description: `this tool needs scope ${missing}` });
        }
        const host = await s.hosts.ensure(claims.sub).catch(() => undefined);
        if (!host) throw new SchedulingError(403, 'Forbidden', 'This token does not act for a person.');
        await serve(mcp, request, reply, s, host.userId, scopes);
      },
    );
    for (const method of ['GET', 'DELETE'] as const) {
      scope.route({
        method,
        url: MCP_PATH,
        preHandler: guard,
        schema: { hide: true },
        handler: async (_request, reply) =>
          reply
            .code(405)
            .header('allow', 'POST')
            .send({
              jsonrpc: '2.0',
              error: { code: -32000, message: 'Method not allowed: this server is stateless; POST JSON-RPC messages.' },
              id: null,
            }),
      });
    }
  });
}

async function serve(
  mcp: Mcp,
  request: FastifyRequest,
  reply: FastifyReply,
  s: SchedulingServices,
  userId: string,
  scopes: Set<string>,
): Promise<void> {
  const server = mcp.buildMcpServer(s, userId, scopes, request);
  const transport = new mcp.StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  reply.raw.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  reply.hijack();
  await transport.handleRequest(request.raw, reply.raw, request.body);
}

/** The scope a `tools/call` in this JSON-RPC message (or batch) needs and the token lacks. */
function missingScope(tools: readonly SchedulingTool[], body: unknown, scopes: Set<string>): string | undefined {
  for (const message of Array.isArray(body) ? body : [body]) {
    const call = message as { method?: unknown; params?: { name?: unknown } } | null;
    if (call?.method !== 'tools/call') continue;
    const tool = tools.find((t) => t.name === call.params?.name);
    if (tool && !scopes.has(tool.scope)) return tool.scope;
  }
  return undefined;
}
