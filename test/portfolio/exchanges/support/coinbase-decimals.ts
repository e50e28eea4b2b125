/** Exact arithmetic on decimal strings for the Coinbase stand-ins (the wire carries strings, never floats). */

const SCALE = 18;

function toUnits(text: string): bigint {
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) throw new Error(`not a decimal: ${text}`);
  const fraction = (match[3] ?? '').padEnd(SCALE, '0');
  if (fraction.length > SCALE) throw new Error(`too precise for the stand-in: ${text}`);
  const units = BigInt((match[2] || '0') + fraction);
  return match[1] === '-' ? -units : units;
}

/** Units → decimal with `places` fraction digits (truncated), or the shortest exact form when omitted. */
function fromUnits(units: bigint, places?: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(SCALE + 1, '0');
  let fraction = digits.slice(-SCALE);
  fraction = places === undefined ? fraction.replace(/0+$/, '') : fraction.slice(0, places);
  const text = digits.slice(0, -SCALE) + (fraction ? `.${fraction}` : '');
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

export function addDecimals(...values: string[]): string {
  return fromUnits(values.reduce((sum, value) => sum + toUnits(value), 0n));
}

export function subtractDecimals(a: string, b: string): string {
  return fromUnits(toUnits(a) - toUnits(b));
}

export function negateDecimal(value: string): string {
  return fromUnits(-toUnits(value));
}

/** a × b with `places` fraction digits (truncated): native (fiat) values of crypto amounts. */
export function multiplyDecimals(a: string, b: string, places: number): string {
  return fromUnits((toUnits(a) * toUnits(b)) / 10n ** BigInt(SCALE), places);
}

export function isZeroDecimal(value: string): boolean {
  return toUnits(value) === 0n;
}

export function compareDecimals(a: string, b: string): number {
  const difference = toUnits(a) - toUnits(b);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}
