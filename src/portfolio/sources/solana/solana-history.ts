import { SourceError } from '../../errors.ts';

/**
 * Where a Solana history stands. `read`: per address, the newest signature already read (the
 * `until` bound of the next pass). `pass`: the pass under way, the addresses still to read —
 * the first one being paged back with `before`, `top` its newest signature this pass.
 */
export interface HistoryCursor {
  read: Record<string, string>;
  pass?: { addresses: string[]; before?: string; top?: string };
}

export function parseHistoryCursor(text: string | null): HistoryCursor {
  if (!text) return { read: {} };
  try {
    const value = JSON.parse(text) as HistoryCursor;
    if (value && typeof value.read === 'object' && value.read !== null) return value;
  } catch {
    // fall through
  }
  throw new SourceError('invalid', 'the saved Solana history cursor is not one this version wrote');
}

/**
 * The cursor after reading one page (`signatures`, newest first) of the first address of
 * `addresses`: a full page continues further back on the same address; a short one ends that
 * address (its newest signature becomes its bound) and moves on to the next, or ends the pass.
 */
export function nextHistoryStep(
  cursor: HistoryCursor,
  addresses: string[],
  signatures: string[],
  pageSize: number,
): { cursor: HistoryCursor; done: boolean } {
  const [current, ...rest] = addresses;
  const top = cursor.pass?.top ?? signatures[0];
  if (signatures.length >= pageSize)
    return {
      cursor: { read: cursor.read, pass: { addresses, before: signatures.at(-1)!, ...(top ? { top } : {}) } },
      done: false,
    };
  const read = top && current ? { ...cursor.read, [current]: top } : cursor.read;
  return rest.length ? { cursor: { read, pass: { addresses: rest } }, done: false } : { cursor: { read }, done: true };
}
