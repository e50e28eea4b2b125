import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { isAllowedAddress } from './address-ranges.ts';
import { checkDestination } from './host-names.ts';

/** Resolves a host name to all its addresses (the system resolver; tests may pass their own). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export interface EgressOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** The whole exchange, connect to last byte. */
  timeoutMs: number;
  /** Bytes of response body read at most; more is an error. 0: the body is not read. */
  maxBytes: number;
  /** Development and tests: loopback addresses, and plain http to them, are allowed. */
  allowLoopback: boolean;
  /** Extra trusted CA (PEM) for https, beside the system's. */
  ca?: string;
  resolver?: Resolver;
}

export interface EgressResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Why an outbound request failed, in words safe to show anyone (no address, port or errno). */
export type EgressFailure = 'blocked address' | 'connection failed' | 'timed out' | 'TLS error' | 'response too large';

export class EgressError extends Error {
  constructor(
    readonly reason: EgressFailure,
    detail?: string,
  ) {
    super(detail ?? reason);
    this.name = 'EgressError';
  }
}

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/**
 * The one way the server fetches a URL someone else chose (webhooks, logos, client metadata
 * documents), guarded against server-side request forgery: https only, no internal names, and
 * every address the name resolves to checked against the special-purpose ranges in the socket's
 * own lookup, so the address checked is the address connected to (DNS rebinding cannot slip
 * between). Redirects are not followed (a 3xx is returned as is), the exchange has a deadline
 * and the body a size cap.
 */
export async function egressRequest(url: URL, options: EgressOptions): Promise<EgressResponse> {
  const refused = checkDestination(url, options.allowLoopback);
  if (refused) throw new EgressError('blocked address', `the URL ${refused}`);
  const resolver = options.resolver ?? systemResolver;
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolver(hostname).then(
      (addresses) => {
        if (addresses.length === 0 || addresses.some((a) => !isAllowedAddress(a.address, options.allowLoopback))) {
          return callback(
            new EgressError('blocked address', 'the host resolves to an address that may not be fetched'),
            '',
            4,
          );
        }
        if ((lookupOptions as { all?: boolean }).all)
          return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        return callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      () => callback(new EgressError('connection failed', 'the host name did not resolve'), '', 4),
    );
  };
  const signal = AbortSignal.timeout(options.timeoutMs);
  const client = url.protocol === 'https:' ? https : http;
  const tls = options.ca ? { ca: [...rootCertificates, options.ca] } : {};
  return new Promise<EgressResponse>((resolve, reject) => {
    const fail = (error: unknown) => reject(classify(error, signal));
    const request = client.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, lookup, signal, ...tls },
      (response) => {
        const done = (body: Buffer) => resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        if (options.maxBytes === 0) {
          response.destroy();
          return done(Buffer.alloc(0));
        }
        const declared = Number(response.headers['content-length'] ?? 0);
        if (declared > options.maxBytes) {
          response.destroy();
          return reject(new EgressError('response too large'));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            response.destroy();
            return reject(new EgressError('response too large'));
          }
          chunks.push(chunk);
        });
        response.on('end', () => done(Buffer.concat(chunks)));
        response.on('error', fail);
      },
    );
    request.on('error', fail);
    request.end(options.body);
  });
}

/** Maps a socket, TLS or abort error to a generic reason; the raw error never leaves this module. */
function classify(error: unknown, signal: AbortSignal): EgressError {
  if (error instanceof EgressError) return error;
  if (signal.aborted || (error instanceof Error && error.name === 'AbortError')) return new EgressError('timed out');
  const code = String((error as { code?: unknown }).code ?? '');
  if (/CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME|ALTNAME/i.test(code))
    return new EgressError('TLS error');
  return new EgressError('connection failed');
}
