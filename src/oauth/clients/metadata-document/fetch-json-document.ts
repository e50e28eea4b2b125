import { EgressError, egressRequest } from '../../../kernel/egress/index.ts';

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
 * GETs a small JSON document from a URL a client handed us, through the egress guard (https,
 * public addresses checked at connect time, no redirects, a size cap and a deadline).
 */
export async function fetchJsonDocument(url: URL, limits: FetchLimits): Promise<FetchedDocument> {
  let response;
  try {
    response = await egressRequest(url, {
      headers: { accept: 'application/json' },
      timeoutMs: limits.timeoutMs,
      maxBytes: limits.maxBytes,
      allowLoopback: limits.allowLoopback,
      ...(limits.ca ? { ca: limits.ca } : {}),
    });
  } catch (error) {
    if (!(error instanceof EgressError)) throw error;
    if (error.reason === 'timed out')
      throw new DocumentFetchError(`the document did not arrive within ${limits.timeoutMs} ms`);
    if (error.reason === 'response too large')
      throw new DocumentFetchError(`the document is larger than ${limits.maxBytes} bytes`);
    throw new DocumentFetchError(
      error.reason === 'blocked address' ? error.message : 'the document could not be fetched',
    );
  }
  if (response.status !== 200)
    throw new DocumentFetchError(`the document answered HTTP ${response.status} (redirects are not followed)`);
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(response.headers['content-type'] ?? ''))
    throw new DocumentFetchError('the document is not JSON');
  let body: unknown;
  try {
    body = JSON.parse(response.body.toString('utf8')) as unknown;
  } catch {
    throw new DocumentFetchError('the document is not valid JSON');
  }
  const maxAge = /max-age=(\d+)/.exec(String(response.headers['cache-control'] ?? ''))?.[1];
  return { body, ...(maxAge ? { maxAge: Number(maxAge) } : {}) };
}
