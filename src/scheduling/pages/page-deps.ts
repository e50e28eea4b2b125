import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Accounts, User } from '../../accounts/index.ts';
import type { Csrf } from '../../ui/csrf.ts';
import { html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';
import { seeOther } from '../../ui/respond.ts';
import type { SchedulingServices } from '../scheduling-services.ts';

export interface PageDeps {
  s: SchedulingServices;
  accounts: Accounts;
  csrf: Csrf;
  /** The per-IP and per-host limiters of the public booking actions. */
  publicLimits?: preHandlerAsyncHookHandler[];
}

export { sendPage, seeOther } from '../../ui/respond.ts';

/** The signed-in person, or undefined after sending them to sign in. */
export async function signedIn(
  deps: PageDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<User | undefined> {
  const session = await deps.accounts.sessions.current(request);
  const user = session && (await deps.accounts.users.findById(session.userId));
  if (!user) {
    const back = request.method === 'GET' ? request.url : '/scheduling';
    await seeOther(reply, `/signin?return_to=${encodeURIComponent(back)}`);
    return undefined;
  }
  return user;
}

/** A form field as a trimmed string ('' when absent). */
export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** A short page for dead ends: not found, expired form, server fault. */
export function message(title: string, text: string): string {
  return page({ title, body: html`<h1>${title}</h1><p class="error" role="alert">${text}</p>` });
}
