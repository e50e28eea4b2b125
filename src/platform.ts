/**
 * The contract between the composition root (src/app.ts) and the products: what a product is
 * given when it loads, and what it may add to the platform. Products import only types from here.
 */
import type { FastifyInstance } from 'fastify';
import type { AccountSection, Accounts, User } from './accounts/index.ts';
import type { Config } from './config.ts';
import type { Kernel } from './kernel/kernel.ts';
import type { Purger } from './kernel/jobs/janitor.ts';
import type { ProductDefinition } from './kernel/scope-registry.ts';
import type { AuthorizationServer } from './oauth/index.ts';
import type { Csrf } from './ui/csrf.ts';
import type { Html } from './ui/html.ts';
import type { NavLink } from './ui/layout.ts';

/** What every product receives. */
export interface PlatformDeps {
  kernel: Kernel;
  accounts: Accounts;
  oauth: AuthorizationServer;
  csrf: Csrf;
}

/** A block a feature adds to /developers, rendered per person. */
export type DeveloperSection = (context: { user: User; csrfToken: string }) => Html | Promise<Html>;

/** An OpenAPI document a product serves, shown as a browsable reference at /docs{path}. */
export interface ApiDocument {
  title: string;
  /** The API's base path, e.g. `/platform/v1`; its reference is at `/docs/platform/v1`. */
  path: string;
  /** Where the product serves the document, e.g. `/platform/v1/openapi.json`. */
  document: string;
  description?: string;
}

/** What a loaded product adds to the platform besides its own routes. */
export interface ProductAttachment {
  /** Registers the product's routes, pages and job handlers (in its own encapsulated scope). */
  routes(app: FastifyInstance): Promise<void>;
  accountSections?: AccountSection[];
  developerSections?: DeveloperSection[];
  purgers?: Purger[];
  /** Its API descriptions, listed and rendered at /docs. */
  apiDocs?: ApiDocument[];
  /** Its pages' entry in the signed-in header (e.g. Scheduling → /scheduling). */
  nav?: NavLink;
}

/**
 * A product: its definition (resources, scopes, token lifetime profile, default scopes, entry
 * points) is known up front, from the configuration alone; its code is imported by `load()`
 * only on a node that serves it.
 */
export interface Product {
  definition(config: Config): ProductDefinition;
  load(): Promise<{ attach(deps: PlatformDeps): ProductAttachment }>;
}
