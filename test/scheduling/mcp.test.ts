import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { ApiClient, ALL_SCOPES } from './support/api.ts';
import { mondayAhead } from './support/dates.ts';
import { ScriptedOAuthProvider } from '../helpers/mcp-provider.ts';
import { approveInPages } from './support/mcp-oauth.ts';

const ALL_TOOLS = [
  'list_bookings',
  'get_booking',
  'cancel_booking',
  'reschedule_booking',
  'list_event_types',
  'create_event_type',
  'update_event_type',
  'list_schedules',
  'create_availability_override',
  'set_out_of_office',
  'get_booking_link',
  'get_stats',
  'find_available_slots',
];
const READ_TOOLS = [
  'list_bookings',
  'get_booking',
  'list_event_types',
  'list_schedules',
  'get_booking_link',
  'get_stats',
  'find_available_slots',
];

type ToolResult = { isError?: boolean; structuredContent?: Record<string, unknown>; content: Array<{ text: string }> };

describe.each(testDialects())('MCP server over OAuth (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  const mcpUrl = () => new URL(`${server.url}/api/mcp`);
  const email = 'mcp-host@example.com';

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
  });
  afterAll(() => close());

  /** Connects like an MCP client: discovers, registers, authorizes through the pages, connects. */
  async function connect(
    scope?: string,
  ): Promise<{ client: Client; provider: ScriptedOAuthProvider; agent: PageAgent }> {
    const provider = new ScriptedOAuthProvider('http://127.0.0.1:8976/callback');
    const agent = new PageAgent(server.url);
    const first = new StreamableHTTPClientTransport(mcpUrl(), { authProvider: provider });
    await expect(new Client({ name: 'test', version: '1.0.0' }).connect(first)).rejects.toThrow(UnauthorizedError);
    expect(provider.authorizationUrl!.searchParams.get('resource')).toBe(mcpUrl().toString());
    // A client that wants less than everything the server offers asks for just that.
    if (scope) provider.authorizationUrl!.searchParams.set('scope', scope);
    const code = await approveInPages(agent, smtp, provider.authorizationUrl!, email);
    await first.finishAuth(code);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl(), { authProvider: provider }));
    return { client, provider, agent };
  }

  const call = async (client: Client, name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as ToolResult;

  it('answers 401 with a resource_metadata challenge and publishes its protected-resource metadata', async () => {
    const res = await fetch(mcpUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(
      `resource_metadata="${server.url}/.well-known/oauth-protected-resource/api/mcp"`,
    );
    const metadata = await (await fetch(`${server.url}/.well-known/oauth-protected-resource/api/mcp`)).json();
    expect(metadata).toMatchObject({ resource: mcpUrl().toString(), authorization_servers: [server.url] });
  });

  it('connects through discovery, registration and the authorization code flow, and uses every tool', async () => {
    const { client, provider } = await connect();
    expect(provider.tokens()?.scope?.split(' ').sort()).toEqual([...ALL_SCOPES].sort());
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools.sort()).toEqual([...ALL_TOOLS].sort());

    const created = await call(client, 'create_event_type', { name: 'Demo', durations: [45] });
    expect(created.isError).toBeFalsy();
    const eventType = created.structuredContent!;
    expect(eventType).toMatchObject({ name: 'Demo', durations: [45], slug: 'demo' });
    const updated = await call(client, 'update_event_type', { id: eventType.id, name: 'Product demo', active: true });
    expect(updated.structuredContent).toMatchObject({ name: 'Product demo' });
    expect((await call(client, 'list_event_types')).structuredContent!.eventTypes).toHaveLength(1);
    const link = await call(client, 'get_booking_link', { id: eventType.id });
    expect(link.structuredContent!.url).toBe(eventType.url);

    const monday = mondayAhead('UTC');
    const schedules = (await call(client, 'list_schedules')).structuredContent!.schedules as Array<{ id: string }>;
    expect(schedules).toHaveLength(1);
    const override = await call(client, 'create_availability_override', { date: monday.toISODate(), intervals: [] });
    expect(override.structuredContent!.overrides).toEqual([{ date: monday.toISODate(), intervals: [] }]);
    const ooo = await call(client, 'set_out_of_office', {
      from: monday.plus({ days: 2 }).toISODate(),
      to: monday.plus({ days: 4 }).toISODate(),
      reason: 'Trip',
    });
    expect(ooo.structuredContent!.outOfOffice).toHaveLength(1);
    const slots = await call(client, 'find_available_slots', {
      eventTypeId: eventType.id,
      from: monday.toISODate(),
      to: monday.plus({ days: 4 }).toISODate(),
      tz: 'Europe/Paris',
    });
    const found = slots.structuredContent!.slots as Array<{ start: string }>;
    expect(new Set(found.map((s) => s.start.slice(0, 10)))).toEqual(new Set([monday.plus({ days: 1 }).toISODate()]));

    // A booking made by an app through the API, managed through MCP.
    // The MCP token is audience-bound to /api/mcp: the REST API refuses it.
    expect(
      (
        await fetch(`${server.url}/api/v2/me`, {
          headers: { authorization: `Bearer ${provider.tokens()!.access_token}` },
        })
      ).status,
    ).toBe(401);
    const api = new ApiClient(
      server,
      (await server.oauth.personalTokens.create({ userId: await userIdOf(email), name: 'app', scopes: ALL_SCOPES }))
        .token,
    );
    const booking = await api.post<{ id: string }>('/bookings', {
      eventTypeId: eventType.id,
      start: found[0]!.start,
      invitee: { name: 'Mo', email: 'mo@example.com', timezone: 'UTC' },
    });
    expect(booking.status).toBe(201);
    const listed = await call(client, 'list_bookings', { status: 'active' });
    expect((listed.structuredContent!.bookings as Array<{ id: string }>).map((b) => b.id)).toEqual([booking.body.id]);
    expect((await call(client, 'get_booking', { id: booking.body.id })).structuredContent).toMatchObject({
      id: booking.body.id,
      status: 'active',
    });
    const moved = await call(client, 'reschedule_booking', { id: booking.body.id, start: found[1]!.start });
    expect(moved.structuredContent).toMatchObject({ rescheduledFromId: booking.body.id, startAt: found[1]!.start });
    const canceled = await call(client, 'cancel_booking', { id: moved.structuredContent!.id, reason: 'Done' });
    expect(canceled.structuredContent).toMatchObject({ status: 'canceled', cancelReason: 'Done' });
    const stats = await call(client, 'get_stats', { days: 30 });
    expect(stats.structuredContent).toMatchObject({ days: 30, noShowRate: 0 });
    const bad = await call(client, 'get_booking', { id: 'missing' });
    expect(bad.isError).toBe(true);
    expect(bad.content[0]!.text).toMatch(/Not Found/);
    await client.close();
  });

  it('shows a read-only token only the read tools and refuses a write tool with a step-up challenge', async () => {
    const { client, provider } = await connect('read:bookings read:event-types read:availability');
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS].sort());
    const raw = await fetch(mcpUrl(), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${provider.tokens()!.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'cancel_booking', arguments: { id: 'x' } },
      }),
    });
    expect(raw.status).toBe(403);
    expect(raw.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="write:bookings"/);
    // The SDK client tries to step up (refreshing cannot widen the grant) and gives up: refused.
    await expect(client.callTool({ name: 'create_event_type', arguments: { name: 'Nope' } })).rejects.toThrow(
      /403|Unauthorized/,
    );
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('create_event_type');
  });

  async function userIdOf(address: string): Promise<string> {
    const row = await server.kernel.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', address)
      .executeTakeFirstOrThrow();
    return row.id;
  }
});
