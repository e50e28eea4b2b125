import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueTokens } from '../../src/oauth/tokens/token-issuer.ts';
import { createTestClient } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

type ToolResult = { isError?: boolean; content: Array<{ type: string; text: string }> };

/**
 * A tool that fails for a reason of ours (here a broken schema) must not hand the agent the
 * reason: the MCP SDK answers a thrown error with its message. The agent gets a request id; the
 * log gets the error.
 */
describe('MCP tools that fail on our side', () => {
  let server: TestServer;
  let client: Client;
  const logged: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ env: { LOG_LEVEL: 'error' }, logStream: { write: (line) => logged.push(line) } });
    const user = await server.accounts.users.create({ email: 'mcp-fault@example.com', name: 'Fault' });
    const app = await createTestClient(server, { allowedScopes: ['read:bookings'] });
    const resource = server.kernel.registry.resource(`${server.url}/api/mcp`)!;
    const issued = await issueTokens(server.kernel, await server.kernel.keys.signingKey(), {
      client: (await server.oauth.clients.findById(app.id))!,
      subject: user.id,
      scopes: ['read:bookings'],
      resources: [resource],
      withRefreshToken: false,
    });
    client = new Client({ name: 'fault-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${server.url}/api/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${issued.response.access_token}` } },
      }),
    );
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('answers with a request id, not the database’s words, and logs the error', async () => {
    const listed = (await client.callTool({ name: 'list_bookings', arguments: {} })) as ToolResult;
    expect(listed.isError ?? false).toBe(false);

    await sql`drop table scheduling_bookings`.execute(server.kernel.database.db);
    const failed = (await client.callTool({ name: 'list_bookings', arguments: {} })) as ToolResult;
    expect(failed.isError).toBe(true);
    const text = failed.content.map((c) => c.text).join(' ');
    expect(text).toMatch(/^Internal Server Error: something went wrong on our side \(request [^)]+\)\.$/);
    expect(text).not.toMatch(/scheduling_bookings|no such table|SQLITE/i);
    const line = logged.find((l) => l.includes('MCP tool failed'));
    expect(line).toBeDefined();
    expect(line).toContain('no such table');
    expect(line).toContain('"tool":"list_bookings"');
  });
});
