import { createHash } from 'node:crypto';
import * as ecc from '@bitcoinerlab/secp256k1';
import { BIP32Factory, type BIP32Interface } from 'bip32';
import { address as btcAddress, networks, payments } from 'bitcoinjs-lib';

export const bip32 = BIP32Factory(ecc);

/** Version bytes of account-level extended public keys: xpub and BIP84's zpub (mainnet). */
const XPUB = 0x0488b21e;
const ZPUB = 0x04b24746;

/** Decodes an xpub or zpub into a neutered BIP32 node; undefined when it is neither (or private). */
export function parseExtendedPublicKey(text: string): BIP32Interface | undefined {
  if (!/^[xz]pub[1-9A-HJ-NP-Za-km-z]{100,112}$/.test(text)) return undefined;
  try {
    const raw = decodeBase58Check(text);
    const version = raw.readUInt32BE(0);
    if (version !== XPUB && version !== ZPUB) return undefined;
    raw.writeUInt32BE(XPUB, 0);
    const node = bip32.fromBase58(encodeBase58Check(raw), networks.bitcoin);
    return node.isNeutered() ? node : undefined;
  } catch {
    return undefined;
  }
}

/** The same account key with xpub or zpub version bytes (wallets export BIP84 keys as zpub). */
export function withVersion(extendedKey: string, prefix: 'xpub' | 'zpub'): string {
  const raw = decodeBase58Check(extendedKey);
  raw.writeUInt32BE(prefix === 'xpub' ? XPUB : ZPUB, 0);
  return encodeBase58Check(raw);
}

/** The BIP84 (native SegWit, P2WPKH) address at `chain`/`index` below an account key. */
export function deriveBip84Address(account: BIP32Interface, chain: 0 | 1, index: number): string {
  return payments.p2wpkh({ pubkey: account.derive(chain).derive(index).publicKey, network: networks.bitcoin }).address!;
}

/** True for a mainnet Bitcoin address of any standard kind (base58 P2PKH/P2SH, bech32, bech32m). */
export function isBitcoinAddress(text: string): boolean {
  try {
    btcAddress.toOutputScript(text, networks.bitcoin);
    return true;
  } catch {
    return false;
  }
}

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function decodeBase58Check(text: string): Buffer {
  let value = 0n;
  for (const char of text) {
    const digit = ALPHABET.indexOf(char);
    if (digit < 0) throw new Error('not base58');
    value = value * 58n + BigInt(digit);
  }
  const hex = value.toString(16);
  const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  const zeros = text.length - text.replace(/^1+/, '').length;
  const full = Buffer.concat([Buffer.alloc(zeros), bytes]);
  const payload = full.subarray(0, -4);
  if (!checksum(payload).equals(full.subarray(-4))) throw new Error('bad checksum');
  return Buffer.from(payload);
}

function encodeBase58Check(payload: Buffer): string {
  const full = Buffer.concat([payload, checksum(payload)]);
  let value = BigInt(`0x${full.toString('hex')}`);
  let out = '';
  while (value > 0n) {
    out = ALPHABET[Number(value % 58n)]! + out;
    value /= 58n;
  }
  for (const byte of full) {
    if (byte !== 0) break;
    out = `1${out}`;
  }
  return out;
}

function checksum(payload: Buffer): Buffer {
  const sha = (b: Buffer) => createHash('sha256').update(b).digest();
  return sha(sha(payload)).subarray(0, 4);
}
