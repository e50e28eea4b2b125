import type { Coin } from '../prices/coin-list-source.ts';
import type { CurrencyHint } from './asset-hints.ts';

const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/**
 * The price source's coin an exchange currency is, from the coins listed under its symbol: the
 * only one; else the one holding a contract the exchange names; else the one bearing the name the
 * exchange gives. Anything less certain (several left, or none) is no answer: a value is never
 * invented, so the first of several look-alikes is never taken. Fiat money (by the exchange's
 * word, else by its ISO 4217 code) is never a coin, whatever token shares its ticker.
 */
export function resolveCoinId(code: string, coins: Coin[], hint?: CurrencyHint): string | undefined {
  if (hint?.fiat ?? ISO_CURRENCIES.has(code.toUpperCase())) return undefined;
  const listed = coins.filter((c) => c.symbol === code.toLowerCase());
  if (listed.length <= 1) return listed[0]?.id;
  if (!hint) return undefined;
  const byContract = onlyOne(
    listed.filter((c) => Object.values(c.platforms).some((p) => hint.contracts.some((a) => sameAddress(p, a)))),
  );
  if (byContract) return byContract.id;
  const name = hint.name ? comparableName(hint.name) : '';
  // A "name" that is only the ticker again tells nothing (some exchanges fill it so).
  if (!name || name === comparableName(code)) return undefined;
  return onlyOne(listed.filter((c) => comparableName(c.name) === name))?.id;
}

function onlyOne<T>(list: T[]): T | undefined {
  return list.length === 1 ? list[0] : undefined;
}

/** EVM addresses are hex in any case (EIP-55 checksums mix them); others (base58) are case-sensitive. */
function sameAddress(a: string, b: string): boolean {
  return /^0x/i.test(a) ? a.toLowerCase() === b.trim().toLowerCase() : a === b.trim();
}

/** "Shiba Inu" and "shiba-inu" and "Shíba İnu" compare equal: letters and digits only, accents off, lowercase. */
export function comparableName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}
