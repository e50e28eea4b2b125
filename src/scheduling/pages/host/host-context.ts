import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../../accounts/index.ts';
import { SchedulingError } from '../../errors.ts';
import type { Host } from '../../hosts/host.ts';
import { message, seeOther, sendPage, signedIn, type PageDeps } from '../page-deps.ts';
import { visitorPrefs, type VisitorPrefs } from '../visitor/visitor-prefs.ts';
import { noticeFor } from './notices.ts';

/** What every host page has: the person, their host profile, a form token and how they read times. */
export interface HostContext {
  user: User;
  host: Host;
  csrfToken: string;
  prefs: VisitorPrefs;
  notice: string | undefined;
}

/**
 * The signed-in host behind a request; undefined once the reply is sent: to sign in, or (for a
 * person who never set scheduling up) to the set-up page.
 */
export async function hostContext(
  deps: PageDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<HostContext | undefined> {
  const user = await signedIn(deps, request, reply);
  if (!user) return undefined;
  const host = await deps.s.hosts.find(user.id);
  if (!host) {
    await seeOther(reply, '/scheduling/setup');
    return undefined;
  }
  return {
    user,
    host,
    csrfToken: deps.csrf.token(request, reply),
    prefs: visitorPrefs(request),
    notice: noticeFor((request.query as Record<string, unknown> | undefined)?.saved),
  };
}

/**
 * A small host action (turn on, delete, …): done, then back to `next`; a refusal is a short
 * page saying why (these forms have no fields to mark).
 */
export async function hostAction(
  deps: PageDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  action: (context: HostContext) => Promise<string>,
): Promise<FastifyReply | undefined> {
  const context = await hostContext(deps, request, reply);
  if (!context) return reply;
  try {
    return seeOther(reply, await action(context));
  } catch (error) {
    if (!(error instanceof SchedulingError)) throw error;
    return sendPage(reply, error.status, message('That didn’t work', error.message));
  }
}
