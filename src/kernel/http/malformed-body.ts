/**
 * A request body (or address) that cannot be read as what it claims to be: always the client's
 * fault (400), with a message that is safe to show (it names the problem, never our internals).
 */
export class MalformedBody extends Error {
  readonly statusCode = 400;
  readonly code = 'CONSENTRY_MALFORMED_BODY';
}
