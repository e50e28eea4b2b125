import type { FastifyReply } from 'fastify';

/** Pages carry CSRF tokens, secrets shown once or personal data: never cached, never shared. */
export function sendPage(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(body);
}

/** 303 See Other after every POST, so a reload never sends the form again. */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.header('cache-control', 'no-store').redirect(location, 303);
}
