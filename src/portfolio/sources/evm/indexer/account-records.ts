import { SourceError } from '../../../errors.ts';

/** The fields of an account-API record this source reads, converted and checked. */
export interface IndexedRecord {
  blockNumber: number;
  /** Unix ms. */
  timestamp: number;
  hash: string;
  /** Lowercase; '' for a contract creation's `to`. */
  from: string;
  to: string;
  value: bigint;
  failed: boolean;
}

/** A normal (top-level) transaction: txlist. */
export interface NormalRecord extends IndexedRecord {
  input: string;
  /** gasUsed × gasPrice (the effective price the indexer reports). */
  fee: bigint;
}

/** An ERC-20 transfer: tokentx. */
export interface TokenRecord extends IndexedRecord {
  contract: string;
  tokenSymbol: string;
  tokenName: string;
  tokenDecimals: number;
  /** An NFT transfer some indexers (Blockscout) list here too: not an ERC-20 amount, left out. */
  nft: boolean;
}

type Raw = Record<string, unknown>;

// Records arrive a thousand to a page: the checks below walk the characters once (no regular
// expressions, no lowercase copy of text that is already lowercase) and build each record in one go.

const UINT_DIGITS = 78;
/** Up to this many digits a decimal string converts to a Number exactly. */
const SAFE_DIGITS = 15;

function malformed(what: string): never {
  throw new SourceError('unavailable', `the indexer answered a malformed record (${what})`);
}

function text(raw: Raw, field: string): string {
  const value = raw[field];
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/** `value` when it is 1 to 78 decimal digits, else undefined. */
function digits(value: string): string | undefined {
  if (value.length === 0 || value.length > UINT_DIGITS) return undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return value;
}

function uint(raw: Raw, field: string): bigint {
  const value = text(raw, field);
  if (digits(value) === undefined) malformed(`${field} ${JSON.stringify(value).slice(0, 40)}`);
  return BigInt(value);
}

/** A block number or a time in seconds. */
function count(raw: Raw, field: string): number {
  const value = text(raw, field);
  if (digits(value) === undefined) malformed(`${field} ${JSON.stringify(value).slice(0, 40)}`);
  return value.length <= SAFE_DIGITS ? Number(value) : Number(BigInt(value));
}

/** `0x` and `length` hex digits, lowercased; undefined when it is not. */
function lowerHex(value: string, length: number): string | undefined {
  if (value.length !== length + 2 || value.charCodeAt(0) !== 48 || value.charCodeAt(1) !== 120) return undefined;
  let upper = false;
  for (let i = 2; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) continue;
    if (c >= 65 && c <= 70) upper = true;
    else return undefined;
  }
  return upper ? value.toLowerCase() : value;
}

function address(raw: Raw, field: string, optional = false): string {
  const value = text(raw, field);
  if (optional && value === '') return '';
  return lowerHex(value, 40) ?? malformed(`${field} ${JSON.stringify(value).slice(0, 50)}`);
}

function hashOf(raw: Raw): string {
  const value = text(raw, 'hash');
  return lowerHex(value, 64) ?? malformed(`hash ${JSON.stringify(value).slice(0, 70)}`);
}

function object(value: unknown): Raw {
  if (!value || typeof value !== 'object') malformed('not an object');
  return value as Raw;
}

// txreceipt_status is empty before Byzantium; isError is always there.
function failedOf(raw: Raw): boolean {
  return text(raw, 'isError') === '1' || text(raw, 'txreceipt_status') === '0';
}

/** A normal transaction (txlist): what moved, plus its input and the fee its sender paid. */
export function normalRecord(value: unknown): NormalRecord {
  const raw = object(value);
  const record = movedValue(raw) as NormalRecord;
  record.input = text(raw, 'input');
  record.fee = uint(raw, 'gasUsed') * uint(raw, 'gasPrice');
  return record;
}

/** An internal transaction (txlistinternal). */
export function internalRecord(value: unknown): IndexedRecord {
  return movedValue(object(value));
}

/** The fields normal and internal records share; a contract creation's `to` is its new contract. */
function movedValue(raw: Raw): IndexedRecord {
  const hash = hashOf(raw);
  const blockNumber = count(raw, 'blockNumber');
  const timestamp = count(raw, 'timeStamp') * 1000;
  const from = address(raw, 'from');
  const to = address(raw, 'to', true);
  return {
    blockNumber,
    timestamp,
    hash,
    from,
    to: to || address(raw, 'contractAddress', true),
    value: uint(raw, 'value'),
    failed: failedOf(raw),
  };
}

export function tokenRecord(value: unknown): TokenRecord {
  const raw = object(value);
  const nft = text(raw, 'tokenID') !== '';
  const hash = hashOf(raw);
  const blockNumber = count(raw, 'blockNumber');
  const timestamp = count(raw, 'timeStamp') * 1000;
  const from = address(raw, 'from');
  const to = address(raw, 'to', true);
  const decimals = Number(text(raw, 'tokenDecimal'));
  return {
    blockNumber,
    timestamp,
    hash,
    from,
    to,
    // An NFT's value is its token id, not an amount.
    value: nft ? 0n : uint(raw, 'value'),
    failed: failedOf(raw),
    contract: address(raw, 'contractAddress'),
    tokenSymbol: text(raw, 'tokenSymbol'),
    tokenName: text(raw, 'tokenName'),
    // A token that publishes no decimals counts whole units.
    tokenDecimals: Number.isInteger(decimals) && decimals >= 0 && decimals <= 77 ? decimals : 0,
    nft,
  };
}
