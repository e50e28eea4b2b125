type Json = Record<string, unknown>;

export type V2Page = { status: 200; body: Json } | { status: 400; body: Json };

/**
 * Coinbase v2 cursor pagination: `limit` (default 25; larger values are cut to `maxLimit`),
 * `order` (`desc`, the default, newest first; or `asc`), `starting_after` / `ending_before`
 * (a record id: the page after it or before it in that order). The answer's `pagination`
 * carries `next_starting_after` and `next_uri`, null on the last page.
 * @see https://docs.cdp.coinbase.com/coinbase-app/api-architecture/pagination
 */
export function paginateV2(newestFirst: Json[], query: URLSearchParams, path: string, maxLimit = 100): V2Page {
  const limitText = query.get('limit');
  const limit = limitText === null ? 25 : Number(limitText);
  const order = query.get('order') ?? 'desc';
  if (!Number.isInteger(limit) || limit < 1 || (order !== 'asc' && order !== 'desc'))
    return invalid(`invalid pagination: limit=${limitText} order=${order}`);
  const pageSize = Math.min(limit, maxLimit);
  const ordered = order === 'desc' ? newestFirst : [...newestFirst].reverse();
  const startingAfter = query.get('starting_after');
  const endingBefore = query.get('ending_before');
  let start = 0;
  let end = ordered.length;
  if (startingAfter) {
    const at = ordered.findIndex((record) => record['id'] === startingAfter);
    if (at < 0) return invalid(`starting_after ${startingAfter} is not a record of this list`);
    start = at + 1;
  }
  if (endingBefore) {
    const at = ordered.findIndex((record) => record['id'] === endingBefore);
    if (at < 0) return invalid(`ending_before ${endingBefore} is not a record of this list`);
    end = at;
    start = Math.max(start, end - pageSize);
  }
  const data = ordered.slice(start, Math.min(end, start + pageSize));
  const more = start + data.length < end;
  const nextAfter = more ? (data.at(-1)?.['id'] as string) : null;
  const previousBefore = start > 0 && data.length > 0 ? (data[0]!['id'] as string) : null;
  const uri = (key: string, id: string | null): string | null =>
    id === null ? null : `${path}?limit=${pageSize}${order === 'asc' ? '&order=asc' : ''}&${key}=${id}`;
  return {
    status: 200,
    body: {
      pagination: {
        ending_before: endingBefore,
        starting_after: startingAfter,
        previous_ending_before: previousBefore,
        next_starting_after: nextAfter,
        limit: pageSize,
        order,
        previous_uri: uri('ending_before', previousBefore),
        next_uri: uri('starting_after', nextAfter),
      },
      data,
    },
  };
}

function invalid(message: string): V2Page {
  return { status: 400, body: { errors: [{ id: 'invalid_request', message }] } };
}
