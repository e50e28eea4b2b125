import type { z } from 'zod';
import type { SchedulingServices } from '../scheduling-services.ts';

/** One MCP tool: the scope that unlocks it, its input shape, and what it does for a host. */
export interface SchedulingTool {
  name: string;
  scope: string;
  title: string;
  description: string;
  input: z.ZodRawShape;
  readOnly: boolean;
  run(s: SchedulingServices, userId: string, args: Record<string, unknown>): Promise<unknown>;
}

/** Reads a tool's typed arguments back out of the validated record. */
export function args<T>(value: Record<string, unknown>): T {
  return value as T;
}
