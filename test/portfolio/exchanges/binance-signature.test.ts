import { describe, expect, it } from 'vitest';
import { checkSignedRequest } from './support/binance-signature.ts';

// The HMAC example of binance-spot-api-docs (rest-api.md, "SIGNED Endpoint Examples").
const API_KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const PAYLOAD =
  'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
const SIGNATURE = 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71';
const NON_ASCII_PAYLOAD =
  'symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
const NON_ASCII_SIGNATURE = 'e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3';
const SERVER_TIME = 1499827319559 + 200;

function check(rawQuery: string, rawBody = '', apiKey = API_KEY, serverTime = SERVER_TIME) {
  const params = new URLSearchParams(rawBody);
  for (const [name, value] of new URLSearchParams(rawQuery)) params.set(name, value);
  const secretOf = (key: string) => (key === API_KEY ? SECRET : undefined);
  return checkSignedRequest({ apiKey, rawQuery, rawBody, params }, secretOf, serverTime);
}

describe("Binance's HMAC signature check", () => {
  it("accepts the docs' examples, in any case, in the query or the body", () => {
    expect(check(`${PAYLOAD}&signature=${SIGNATURE}`)).toBeUndefined();
    expect(check(`${PAYLOAD}&signature=${SIGNATURE.toUpperCase()}`)).toBeUndefined();
    expect(check(`${NON_ASCII_PAYLOAD}&signature=${NON_ASCII_SIGNATURE}`)).toBeUndefined();
    expect(check('', `${PAYLOAD}&signature=${SIGNATURE}`)).toBeUndefined();
  });

  it('rejects a changed parameter, a missing signature and unknown keys with Binance codes', () => {
    const tampered = PAYLOAD.replace('price=0.1', 'price=0.2');
    expect(check(`${tampered}&signature=${SIGNATURE}`)).toEqual({
      status: 400,
      body: { code: -1022, msg: 'Signature for this request is not valid.' },
    });
    expect(check(PAYLOAD)?.body).toMatchObject({ code: -1102 });
    expect(check(`${PAYLOAD}&signature=${SIGNATURE}`, '', 'someOtherKey')).toEqual({
      status: 401,
      body: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' },
    });
    expect(check(`${PAYLOAD}&signature=${SIGNATURE}`, '', '')?.body).toMatchObject({ code: -2014 });
  });

  it('holds the timestamp to recvWindow behind the server and one second ahead', () => {
    const signed = `${PAYLOAD}&signature=${SIGNATURE}`;
    expect(check(signed, '', API_KEY, 1499827319559 + 5000)).toBeUndefined();
    expect(check(signed, '', API_KEY, 1499827319559 + 5001)?.body).toEqual({
      code: -1021,
      msg: 'Timestamp for this request is outside of the recvWindow.',
    });
    expect(check(signed, '', API_KEY, 1499827319559 - 999)).toBeUndefined();
    expect(check(signed, '', API_KEY, 1499827319559 - 1000)?.body).toMatchObject({ code: -1021 });
  });
});
