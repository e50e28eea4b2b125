import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Accounts, SignedInSession, User } from '../accounts/index.ts';
import { seeOther } from '../ui/respond.ts';

export interface SignedIn {
  user: User;
  session: SignedInSession;
}

/** The person behind this request's session, or undefined when nobody is signed in. */
export async function signedIn(accounts: Accounts, request: FastifyRequest): Promise<SignedIn | undefined> {
  const session = await accounts.sessions.current(request);
  const user = session && (await accounts.users.findById(session.userId));
  return session && user ? { user, session } : undefined;
}

/** Off to sign in, coming back to `returnTo` (a path on this server) afterwards. */
export function toSignIn(reply: FastifyReply, returnTo: string): FastifyReply {
  return seeOther(reply, `/signin?return_to=${encodeURIComponent(returnTo)}`);
}
