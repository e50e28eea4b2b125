import { EgressError, egressRequest } from '../../kernel/egress/index.ts';

export interface ImageLimits {
  maxBytes: number;
  timeoutMs: number;
  /** Development and tests: loopback addresses, and plain http to them, are allowed. */
  allowLoopback: boolean;
}

export interface FetchedImage {
  contentType: ImageType;
  body: Buffer;
}

export type ImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

export class ImageFetchError extends Error {}

/** Each accepted type with the bytes its files start with: the body must match what it claims. */
const SIGNATURES: Record<ImageType, (b: Buffer) => boolean> = {
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/gif': (b) =>
    b.subarray(0, 6).toString('latin1') === 'GIF87a' || b.subarray(0, 6).toString('latin1') === 'GIF89a',
  'image/webp': (b) =>
    b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

/**
 * GETs an app's logo for the first-party /logos route through the egress guard (https, public
 * addresses checked at connect time, no redirects, a size cap and a deadline); the body must be
 * a PNG, JPEG, GIF or WebP by header and by bytes. SVG is refused: it is a document that can
 * carry scripts and external references.
 */
export async function fetchImage(url: URL, limits: ImageLimits): Promise<FetchedImage> {
  let response;
  try {
    response = await egressRequest(url, {
      headers: { accept: 'image/png, image/jpeg, image/gif, image/webp', 'user-agent': 'Consentry-logo-fetcher' },
      timeoutMs: limits.timeoutMs,
      maxBytes: limits.maxBytes,
      allowLoopback: limits.allowLoopback,
    });
  } catch (error) {
    if (!(error instanceof EgressError)) throw error;
    if (error.reason === 'timed out')
      throw new ImageFetchError(`the logo did not arrive within ${limits.timeoutMs} ms`);
    if (error.reason === 'response too large')
      throw new ImageFetchError(`the logo is larger than ${limits.maxBytes} bytes`);
    throw new ImageFetchError(
      error.reason === 'blocked address'
        ? error.message.replace('the URL', 'logo URLs')
        : 'the logo could not be fetched',
    );
  }
  const type = String(response.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase() as ImageType;
  if (response.status !== 200)
    throw new ImageFetchError(`the logo answered HTTP ${response.status} (redirects are not followed)`);
  if (!(type in SIGNATURES)) throw new ImageFetchError('the logo is not a PNG, JPEG, GIF or WebP image');
  if (!SIGNATURES[type](response.body)) throw new ImageFetchError(`the logo's bytes are not a ${type}`);
  return { contentType: type, body: response.body };
}
