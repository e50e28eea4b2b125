import { createHash } from 'node:crypto';
import { networks, payments, Psbt, Transaction } from 'bitcoinjs-lib';
import type { BIP32Interface } from 'bip32';
import { bip32 } from '../../../src/portfolio/addresses/bitcoin-keys.ts';

/** A fixed test seed (never a real wallet's), so the addresses and txids are the same every run. */
const SEED = createHash('sha256').update('consentry portfolio test wallet').digest();
const OUTSIDER_SEED = createHash('sha256').update('consentry portfolio test outsider').digest();

/** Output `index` of `tx`, spendable with `key`. */
export function utxo(tx: Transaction, index: number, key: BIP32Interface): Utxo {
  return { txid: tx.getId(), index, value: tx.outs[index]!.value, key };
}

export interface Utxo {
  txid: string;
  index: number;
  value: bigint;
  key: BIP32Interface;
}

/** BIP84 keys of the test wallet and an outsider, and real signed transactions between them. */
export class BitcoinTestWallet {
  readonly account = bip32.fromSeed(SEED, networks.bitcoin).derivePath("m/84'/0'/0'");
  readonly otherAccount = bip32.fromSeed(SEED, networks.bitcoin).derivePath("m/84'/0'/1'");
  readonly outsider = bip32.fromSeed(OUTSIDER_SEED, networks.bitcoin).derivePath("m/84'/0'/0'/0/0");
  private coinbaseCount = 0;

  key(chain: 0 | 1, index: number, account = this.account): BIP32Interface {
    return account.derive(chain).derive(index);
  }

  address(key: BIP32Interface): string {
    return payments.p2wpkh({ pubkey: key.publicKey, network: networks.bitcoin }).address!;
  }

  /** A coinbase transaction paying `value` sats to `key` (how the outsider gets coins to send). */
  coinbase(key: BIP32Interface, value: bigint): { tx: Transaction; utxo: Utxo } {
    const tx = new Transaction();
    tx.version = 2;
    tx.addInput(new Uint8Array(32), 0xffffffff, 0xffffffff, Uint8Array.from([0x03, ++this.coinbaseCount, 0, 0]));
    tx.addOutput(payments.p2wpkh({ pubkey: key.publicKey, network: networks.bitcoin }).output!, value);
    return { tx, utxo: { txid: tx.getId(), index: 0, value, key } };
  }

  /** Spends UTXOs to (address, sats) outputs; inputs minus outputs is the fee. Signed with BIP143. */
  spend(utxos: Utxo[], outputs: Array<[string, bigint]>): Transaction {
    const psbt = new Psbt({ network: networks.bitcoin });
    for (const utxo of utxos) {
      const script = payments.p2wpkh({ pubkey: utxo.key.publicKey, network: networks.bitcoin }).output!;
      psbt.addInput({ hash: utxo.txid, index: utxo.index, witnessUtxo: { script, value: utxo.value } });
    }
    for (const [address, value] of outputs) psbt.addOutput({ address, value });
    utxos.forEach((utxo, i) => psbt.signInput(i, utxo.key));
    psbt.finalizeAllInputs();
    return psbt.extractTransaction();
  }
}
