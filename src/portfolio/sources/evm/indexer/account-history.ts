import { SourceError } from '../../../errors.ts';
import type { IndexedPage } from './account-activity.ts';
import { AccountApi, RESULT_WINDOW, type AccountList } from './account-api.ts';
import { internalRecord, normalRecord, tokenRecord, type IndexedRecord } from './account-records.ts';

export interface HistoryStep {
  page: IndexedPage;
  /** Every record of blocks [from, end] is in `page`. */
  end: number;
}

/**
 * Records a step read past its end, complete through `through`: the next step of the same sync
 * takes them instead of asking again (a list that ran out costs one call per sync, not per step).
 */
export type CarriedRecords = Map<AccountList, { after: number; through: number; records: IndexedRecord[] }>;

const PARSERS = { txlist: normalRecord, txlistinternal: internalRecord, tokentx: tokenRecord } as const;
const LISTS = Object.keys(PARSERS) as AccountList[];

/**
 * One step of an address's history from `from` up to `safe`: one page (ascending) of each list.
 * A full page may stop inside its last block, so the step ends before the earliest such block;
 * the next step starts there (moving `startblock` forward keeps every request inside
 * Etherscan's 10,000-record window). A single block with more records than a page is read
 * alone, page by page. `carried` is updated for the next step.
 * @throws SourceError('unavailable') when the indexer lists a block past `head`, the chain head
 *   the RPC node reports: nothing of the step is kept.
 */
export async function readHistoryStep(
  api: AccountApi,
  address: string,
  from: number,
  safe: number,
  head: number,
  pageSize: number,
  carried: CarriedRecords = new Map(),
): Promise<HistoryStep> {
  const lists = new Map<AccountList, { through: number; records: IndexedRecord[] }>();
  for (const action of LISTS) {
    const kept = carried.get(action);
    if (kept && kept.after === from - 1 && kept.through >= from) {
      lists.set(action, kept);
      continue;
    }
    // Records outside the range asked for (an indexer that ignores a bound) are read in their own step.
    const records = (await readPage(api, action, address, from, safe, 1, pageSize, head)).filter(
      (r) => r.blockNumber >= from && r.blockNumber <= safe,
    );
    const full = records.length >= pageSize;
    lists.set(action, { through: full ? records.at(-1)!.blockNumber - 1 : safe, records });
  }
  let end = Math.min(...[...lists.values()].map((l) => l.through));
  if (end < from) {
    end = from;
    for (const [action, list] of lists)
      if (list.through < from)
        lists.set(action, { through: from, records: await readWholeBlock(api, action, address, from, pageSize, head) });
  }
  carried.clear();
  for (const [action, list] of lists)
    if (list.through > end)
      carried.set(action, {
        after: end,
        through: list.through,
        records: list.records.filter((r) => r.blockNumber > end && r.blockNumber <= list.through),
      });
  const upTo = (action: AccountList) => lists.get(action)!.records.filter((r) => r.blockNumber <= end);
  return {
    page: {
      normal: upTo('txlist') as IndexedPage['normal'],
      internal: upTo('txlistinternal'),
      tokens: upTo('tokentx') as IndexedPage['tokens'],
    },
    end,
  };
}

/** The newest page of token transfers (balances before the history is read). */
export async function readRecentTokenTransfers(
  api: AccountApi,
  address: string,
  head: number,
  pageSize: number,
): Promise<IndexedPage['tokens']> {
  const raw = await api.list({
    action: 'tokentx',
    address,
    startBlock: 0,
    endBlock: head,
    page: 1,
    offset: pageSize,
    sort: 'desc',
  });
  const records = raw.map(tokenRecord);
  checkHead(api, records, head);
  return records;
}

async function readPage(
  api: AccountApi,
  action: AccountList,
  address: string,
  from: number,
  to: number,
  page: number,
  offset: number,
  head: number,
): Promise<IndexedRecord[]> {
  const raw = await api.list({ action, address, startBlock: from, endBlock: to, page, offset, sort: 'asc' });
  const records = raw.map((r) => PARSERS[action](r));
  checkHead(api, records, head);
  return records;
}

async function readWholeBlock(
  api: AccountApi,
  action: AccountList,
  address: string,
  block: number,
  pageSize: number,
  head: number,
): Promise<IndexedRecord[]> {
  const all: IndexedRecord[] = [];
  for (let page = 1; ; page++) {
    if (page * pageSize > RESULT_WINDOW)
      throw new SourceError(
        'unavailable',
        `block ${block} holds more than ${RESULT_WINDOW} ${action} records of this address, more than the indexer can page`,
      );
    const records = await readPage(api, action, address, block, block, page, pageSize, head);
    all.push(...records.filter((r) => r.blockNumber === block));
    if (records.length < pageSize) return all;
  }
}

/** An indexer ahead of the chain (another chain, a reorg the node has not seen, a lie) is not trusted at all. */
function checkHead(api: AccountApi, records: IndexedRecord[], head: number): void {
  const beyond = records.find((r) => r.blockNumber > head);
  if (beyond)
    throw new SourceError(
      'unavailable',
      `the indexer ${api.host} listed block ${beyond.blockNumber} (transaction ${beyond.hash}), past the chain head ${head} of the RPC node; nothing was stored`,
    );
}
