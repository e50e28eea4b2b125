import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isAllowedAddress } from '../../oauth/index.ts';

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
  'image/gif': (b) => b.subarray(0, 6).toString('latin1') === 'GIF87a' || b.subarray(0, 6).toString('latin1') === 'GIF89a',
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

/**
 * GETs an app's logo for the first-party /logos route, guarded against server-side request
 * forgery: https only (http to loopback only when allowed), every address the name resolves to
 * is checked when connecting (so DNS rebinding cannot reach the internal network), redirects are
 * not followed, the body is capped and must be a PNG, JPEG, GIF or WebP by header and by bytes.
 * SVG is refused: it is a document that can carry scripts and external references.
 */
export async function fetchImage(url: URL, limits: ImageLimits): Promise<FetchedImage> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const plainLoopback = url.protocol === 'http:' && limits.allowLoopback && ['127.0.0.1', '::1', 'localhost'].includes(host);
  if (url.protocol !== 'https:' && !plainLoopback) throw new ImageFetchError('logo URLs must use https');
  if (url.username || url.password) throw new ImageFetchError('logo URLs must not carry credentials');
  if (isIP(host) && !isAllowedAddress(host, limits.allowLoopback)) throw new ImageFetchError(`${host} may not be fetched`);

  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, found) => {
      if (error) return callback(error, '', 4);
      const addresses = found as unknown as LookupAddress[];
      if (addresses.length === 0 || addresses.some((a) => !isAllowedAddress(a.address, limits.allowLoopback))) {
        return callback(new ImageFetchError(`${hostname} resolves to an address that may not be fetched`), '', 4);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };

  const signal = AbortSignal.timeout(limits.timeoutMs);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<FetchedImage>((resolve, reject) => {
    const fail = (message: string) => reject(new ImageFetchError(message));
    const request = client.get(url, { lookup, signal, headers: { accept: 'image/png, image/jpeg, image/gif, image/webp', 'user-agent': 'Consentry-logo-fetcher' } }, (response) => {
      const type = String(response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() as ImageType;
      const declared = Number(response.headers['content-length'] ?? 0);
      if (response.statusCode !== 200) return (response.resume(), fail(`the logo answered HTTP ${response.statusCode ?? '?'} (redirects are not followed)`));
      if (!(type in SIGNATURES)) return (response.resume(), fail('the logo is not a PNG, JPEG, GIF or WebP image'));
      if (declared > limits.maxBytes) return (response.destroy(), fail(`the logo is larger than ${limits.maxBytes} bytes`));
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) {
          response.destroy();
          return fail(`the logo is larger than ${limits.maxBytes} bytes`);
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        if (!SIGNATURES[type](body)) return fail(`the logo's bytes are not a ${type}`);
        resolve({ contentType: type, body });
      });
      response.on('error', () => fail(signal.aborted ? `the logo did not arrive within ${limits.timeoutMs} ms` : 'the logo download broke off'));
    });
    request.on('error', (error) => {
      if (error instanceof ImageFetchError) return reject(error);
      fail(signal.aborted ? `the logo did not arrive within ${limits.timeoutMs} ms` : 'the logo could not be fetched');
    });
  });
}
