import { createHmac, timingSafeEqual } from 'node:crypto';
import { errors, type BinanceAnswer } from './binance-errors.ts';

/**
 * Binance's SIGNED-endpoint checks (rest-api.md, "SIGNED Endpoint security"): the key in
 * `X-MBX-APIKEY`, `timestamp` within `recvWindow` (default 5000, at most 60000) and at most
 * 1000 ms ahead of the server, and `signature` = hex HMAC-SHA256 of the query string
 * concatenated with the body (the signature parameter itself left out), compared without
 * regard to case as Binance does for HMAC keys.
 */
export interface SignedRequest {
  apiKey: string | undefined;
  rawQuery: string;
  rawBody: string;
  params: URLSearchParams;
}

export function checkSignedRequest(
  request: SignedRequest,
  secretOf: (apiKey: string) => string | undefined,
  serverTime: number,
): BinanceAnswer | undefined {
  if (!request.apiKey || !/^[A-Za-z0-9]{1,128}$/.test(request.apiKey)) return errors.badApiKeyFormat();
  const secret = secretOf(request.apiKey);
  if (secret === undefined) return errors.rejectedKey();

  const timestamp = Number(request.params.get('timestamp'));
  if (!request.params.get('timestamp') || !Number.isFinite(timestamp)) return errors.missing('timestamp');
  const recvWindow = Number(request.params.get('recvWindow') ?? 5000);
  if (!Number.isFinite(recvWindow) || recvWindow > 60_000) return errors.recvWindowTooLarge();
  if (timestamp >= serverTime + 1000) return errors.aheadOfServer();
  if (serverTime - timestamp > recvWindow) return errors.outsideRecvWindow();

  const signature = request.params.get('signature');
  if (!signature) return errors.missing('signature');
  const payload = withoutSignature(request.rawQuery) + withoutSignature(request.rawBody);
  const expected = createHmac('sha256', secret).update(payload).digest('hex');
  const given = Buffer.from(signature.toLowerCase());
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return errors.badSignature();
  return undefined;
}

function withoutSignature(encoded: string): string {
  return encoded
    .split('&')
    .filter((pair) => pair !== '' && !pair.startsWith('signature='))
    .join('&');
}
