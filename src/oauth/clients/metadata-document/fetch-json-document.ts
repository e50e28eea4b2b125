import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { rootCertificates as tlsRootCertificates } from 'node:tls';
import { isIP, type LookupFunction } from 'node:net';
import { isAllowedAddress } from './address-policy.ts';

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
  allowLoopback: boolean;
  /** Extra trusted CA (PEM) for https, beside the system's. */
  ca?: string;
}

export interface FetchedDocument {
  body: unknown;
  /** Seconds from Cache-Control max-age, when the server gave one. */
  maxAge?: number;
}

export class DocumentFetchError extends Error {}

/**
 * GETs a small JSON document from a URL a client handed us, guarded against SSRF: https only
 * (http just for loopback when allowed), every resolved address checked at connect time (so DNS
 * rebinding cannot slip past), no redirects, a size cap and a deadline.
 */
export async function fetchJsonDocument(url: URL, limits: FetchLimits): Promise<FetchedDocument> {
  const loopbackHttp = url.protocol === 'http:' && limits.allowLoopback && (url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost');
  if (url.protocol !== 'https:' && !loopbackHttp) throw new DocumentFetchError('the document URL must use https');
  // An IP literal never goes through `lookup`, so it is checked here.
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !isAllowedAddress(literal, limits.allowLoopback)) throw new DocumentFetchError(`${url.hostname} is an address that may not be fetched`);
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const list = addresses as unknown as LookupAddress[];
      const refused = list.find((a) => !isAllowedAddress(a.address, limits.allowLoopback));
      if (refused || list.length === 0) return callback(new DocumentFetchError(`${hostname} resolves to an address that may not be fetched`), '', 4);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const tls = limits.ca ? { ca: [...tlsRootCertificates, limits.ca] } : {};
    const request = client.get(url, { lookup, headers: { accept: 'application/json' }, timeout: limits.timeoutMs, signal: AbortSignal.timeout(limits.timeoutMs), ...tls }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        return reject(new DocumentFetchError(`the document answered HTTP ${response.statusCode ?? '?'} (redirects are not followed)`));
      }
      if (!/^application\/([\w.+-]*\+)?json\b/i.test(response.headers['content-type'] ?? '')) {
        response.resume();
        return reject(new DocumentFetchError('the document is not JSON'));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) {
          reject(new DocumentFetchError(`the document is larger than ${limits.maxBytes} bytes`));
          response.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        try {
          const maxAge = /max-age=(\d+)/.exec(String(response.headers['cache-control'] ?? ''))?.[1];
          resolve({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown, ...(maxAge ? { maxAge: Number(maxAge) } : {}) });
        } catch {
          reject(new DocumentFetchError('the document is not valid JSON'));
        }
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new DocumentFetchError(`the document did not arrive within ${limits.timeoutMs} ms`)));
    request.on('error', (error) => reject(error instanceof DocumentFetchError ? error : new DocumentFetchError(error.name === 'AbortError' ? `the document did not arrive within ${limits.timeoutMs} ms` : 'the document could not be fetched')));
  });
}
