import pino from 'pino';
import type { Config } from '../config.ts';
import { createKernel, type Kernel } from '../kernel/kernel.ts';
import { createAuthorizationServer, type AuthorizationServer } from '../oauth/index.ts';
import { servedProducts } from '../products.ts';

export interface CliContext {
  kernel: Kernel;
  oauth: AuthorizationServer;
}

/**
 * Opens the kernel (migrating on the way) and the authorization server for one CLI command, then
 * closes them. Of the products it reads only their definitions (scopes for `clients create`).
 */
export async function withContext<T>(config: Config, work: (ctx: CliContext) => Promise<T>): Promise<T> {
  const products = await servedProducts(config);
  // Warnings go to stderr: stdout carries the command's answer (--json).
  const kernel = await createKernel(config, { log: pino({ level: 'warn' }, pino.destination(2)) });
  try {
    const oauth = await createAuthorizationServer(kernel, { products: products.map((p) => p.definition(config)) });
    return await work({ kernel, oauth });
  } finally {
    await kernel.close();
  }
}
