/**
 * A request body (or address) that cannot be read as what it claims to be: always the client's
 * fault (400), with a message that is safe to show (it names the problem, never our internals).
 */
export class MalformedBody extends Error {
  readonly statusCode = 400;
  readonly code = 'CONSENTRY_MALFORMED_BODY';
}

/** A parser's message (written as a clause) as a sentence of its own, for pages and sentence-style APIs. */
export function asSentence(message: string): string {
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
}
