/**
 * What a typed wallet address looks like, by its shape alone (no checksums): shared by the wallet
 * form's script, which names the network as the person types, and the server, which picks the
 * network when the form says "detect" and then checks the address properly (checksums, ENS).
 * Pure and DOM-free, so both sides import it.
 */
export type AddressShape = 'evm' | 'ens' | 'bitcoin' | 'solana' | 'secret';

/** The source kind (catalogue `source.kind`) that reads addresses of each shape. */
export const KIND_OF_SHAPE: Record<Exclude<AddressShape, 'secret'>, string> = {
  evm: 'evm',
  ens: 'evm',
  bitcoin: 'bitcoin',
  solana: 'solana',
};

const BASE58 = '1-9A-HJ-NP-Za-km-z';
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

/**
 * `secret`: something that must never be pasted anywhere (a private key, an extended private key,
 * a Solana key pair, a recovery phrase). Legacy Bitcoin addresses (1…, 3…, at most 34 characters)
 * and Solana addresses (32–44 base58 characters) overlap only below 35 characters, where a
 * Solana key would need some 57 leading zero bits: those are read as Bitcoin.
 */
export function addressShape(input: string): AddressShape | undefined {
  const text = input.trim();
  if (!text) return undefined;
  if (/^0x[0-9a-fA-F]{40}$/.test(text)) return 'evm';
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(text)) return 'secret';
  if (new RegExp(`^[xyzt]prv[${BASE58}]{100,112}$`).test(text)) return 'secret';
  if (new RegExp(`^[xyz]pub[${BASE58}]{100,112}$`).test(text)) return 'bitcoin';
  if (new RegExp(`^bc1[${BECH32}]{8,87}$`, 'i').test(text)) return 'bitcoin';
  if (new RegExp(`^[13][${BASE58}]{25,33}$`).test(text)) return 'bitcoin';
  if (new RegExp(`^[${BASE58}]{86,88}$`).test(text)) return 'secret';
  if (new RegExp(`^[${BASE58}]{32,44}$`).test(text)) return 'solana';
  if (/^\[\s*\d{1,3}(\s*,\s*\d{1,3}){31,}\s*\]$/.test(text)) return 'secret';
  if (/^([a-z]+\s+){11,23}[a-z]+$/i.test(text)) return 'secret';
  if (/^[^\s./]+(\.[^\s./]+)+$/.test(text)) return 'ens';
  return undefined;
}

/** The shape in words, for "Looks like …". */
export const SHAPE_WORDS: Record<Exclude<AddressShape, 'secret'>, string> = {
  evm: 'an EVM address (Ethereum, Base, Polygon and other EVM networks)',
  ens: 'an ENS name',
  bitcoin: 'a Bitcoin address',
  solana: 'a Solana address',
};

/** What the form says about a secret, on the page and from the server. */
export const SECRET_WARNING =
  'That looks like a private key or recovery phrase. Never share it with anyone. Paste the wallet’s public address instead.';
