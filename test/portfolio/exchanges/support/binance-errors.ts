/**
 * Binance's error answers: HTTP status + `{code, msg}` exactly as errors.md of
 * binance-spot-api-docs words them.
 */
export interface BinanceAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

function error(status: number, code: number, msg: string): BinanceAnswer {
  return { status, body: { code, msg } };
}

export const errors = {
  badApiKeyFormat: () => error(401, -2014, 'API-key format invalid.'),
  rejectedKey: () => error(401, -2015, 'Invalid API-key, IP, or permissions for action.'),
  badSignature: () => error(400, -1022, 'Signature for this request is not valid.'),
  outsideRecvWindow: () => error(400, -1021, 'Timestamp for this request is outside of the recvWindow.'),
  aheadOfServer: () => error(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  recvWindowTooLarge: () => error(400, -1131, 'recvWindow must be less than 60000'),
  missing: (param: string) =>
    error(400, -1102, `Mandatory parameter '${param}' was not sent, was empty/null, or malformed.`),
  invalidValue: (param: string) => error(400, -1130, `Data sent for parameter '${param}' is not valid.`),
  badCombination: () => error(400, -1128, 'Combination of optional parameters invalid.'),
  tooManyHours: (hours: number) => error(400, -1127, `More than ${hours} hours between startTime and endTime.`),
  invalidSymbol: () => error(400, -1121, 'Invalid symbol.'),
  tooMuchWeight: (limit: number, retryAfterSeconds: number): BinanceAnswer => ({
    ...error(
      429,
      -1003,
      `Too much request weight used; current limit is ${limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
    ),
    headers: { 'retry-after': String(retryAfterSeconds) },
  }),
  notFound: () => error(404, -1000, 'An unknown error occurred while processing the request.'),
};
