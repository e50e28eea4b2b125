import {
  createSolanaRpc,
  isSolanaError,
  SOLANA_ERROR__JSON_RPC__INVALID_PARAMS,
  SOLANA_ERROR__RPC__TRANSPORT_HTTP_ERROR,
  type Rpc,
  type SolanaRpcApi,
} from '@solana/kit';
import { SourceError } from '../../errors.ts';

export type SolanaRpc = Rpc<SolanaRpcApi>;

interface PendingRequest<T> {
  send(options?: { abortSignal?: AbortSignal }): Promise<T>;
}

/**
 * A Solana JSON-RPC node through @solana/kit, each call with a deadline, its failures turned
 * into SourceErrors: a refused or overloaded node (HTTP 429, 5xx, JSON-RPC server errors) is
 * `unavailable` and retried with backoff; a request the node calls malformed is `invalid`.
 */
export class SolanaNode {
  readonly rpc: SolanaRpc;

  constructor(
    url: string,
    private readonly timeoutMs: number,
  ) {
    this.rpc = createSolanaRpc(url);
  }

  async call<T>(method: string, request: PendingRequest<T>): Promise<T> {
    try {
      return await request.send({ abortSignal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw sourceErrorFrom(method, error, this.timeoutMs);
    }
  }
}

function sourceErrorFrom(method: string, error: unknown, timeoutMs: number): SourceError {
  if (isSolanaError(error, SOLANA_ERROR__RPC__TRANSPORT_HTTP_ERROR)) {
    const status = error.context.statusCode;
    const why = status === 429 ? 'is rate-limiting this server (HTTP 429)' : `answered HTTP ${status}`;
    return new SourceError('unavailable', `the Solana RPC node ${why} to ${method}`);
  }
  if (isSolanaError(error)) {
    const code = error.context.__code;
    // A JSON-RPC error object: its code is Solana's (-32602 invalid params, -32011 history not available, …).
    if (typeof code === 'number' && code <= -32000 && code >= -32768) {
      // The node's own words when kit keeps them; else kit's message, unless it is the production build's bare code.
      const served = (error.context as { __serverMessage?: unknown }).__serverMessage;
      const said = served ?? (error.message.startsWith('Solana error #') ? undefined : error.message);
      const message = `the Solana RPC node refused ${method} (JSON-RPC error ${code}${typeof said === 'string' ? `: ${said}` : ''})`;
      return new SourceError(code === SOLANA_ERROR__JSON_RPC__INVALID_PARAMS ? 'invalid' : 'unavailable', message);
    }
  }
  if (error instanceof DOMException && error.name === 'TimeoutError')
    return new SourceError('unavailable', `the Solana RPC node did not answer ${method} within ${timeoutMs} ms`);
  const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
  return new SourceError('unavailable', `the Solana RPC node is unreachable (${method}): ${reason || String(error)}`);
}
