import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { FastifyBaseLogger } from 'fastify';
import { SchedulingError } from '../errors.ts';
import { serverFailure } from '../server-failure.ts';
import type { SchedulingServices } from '../scheduling-services.ts';
import type { SchedulingTool } from './tool.ts';
import { availabilityTools } from './tools/availability-tools.ts';
import { bookingTools } from './tools/booking-tools.ts';
import { eventTypeTools } from './tools/event-type-tools.ts';

export const MCP_TOOLS: SchedulingTool[] = [...bookingTools, ...eventTypeTools, ...availabilityTools];

/** The request an MCP server answers: its log and id, for tool failures that are ours. */
export interface McpRequest {
  log: FastifyBaseLogger;
  id: string;
}

/** An MCP server for one request, offering only the tools the token's scopes unlock. */
export function buildMcpServer(
  s: SchedulingServices,
  userId: string,
  scopes: Set<string>,
  request: McpRequest,
): McpServer {
  const server = new McpServer(
    { name: 'consentry-scheduling', version: '1.0.0' },
    {
      instructions:
        'Manage a host’s bookings, event types and availability. Times are ISO 8601; slots come from find_available_slots.',
    },
  );
  for (const tool of MCP_TOOLS.filter((t) => scopes.has(t.scope))) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: `${tool.description} (scope ${tool.scope})`,
        inputSchema: tool.input,
        annotations: { readOnlyHint: tool.readOnly, destructiveHint: !tool.readOnly && tool.name === 'cancel_booking' },
      },
      async (args: Record<string, unknown>) => {
        try {
          const result = await tool.run(s, userId, args);
          return {
            content: [{ type: 'text' as const, text: JSON.stringify(result, null, 2) }],
            structuredContent: result as Record<string, unknown>,
          };
        } catch (error) {
          // The SDK would answer a thrown error with its message: internals (a driver's words, a
          // stack's cause) to an agent. Ours are logged, and the agent told only that they happened.
          if (!(error instanceof SchedulingError)) return toolFailed(request, tool.name, error);
          const details = error.details?.map((d) => `${d.path.join('.')}: ${d.message}`).join('; ');
          return {
            isError: true,
            content: [
              { type: 'text' as const, text: `${error.title}: ${error.message}${details ? ` (${details})` : ''}` },
            ],
          };
        }
      },
    );
  }
  return server;
}

function toolFailed(request: McpRequest, tool: string, error: unknown) {
  const { title, message } = serverFailure(error, request, 'MCP tool failed', { tool });
  return { isError: true, content: [{ type: 'text' as const, text: `${title}: ${message}.` }] };
}
