import {
  AccountRole,
  address,
  appendTransactionMessageInstructions,
  compressTransactionMessageUsingAddressLookupTables,
  createKeyPairSignerFromPrivateKeyBytes,
  createTransactionMessage,
  getAddressEncoder,
  getProgramDerivedAddress,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Blockhash,
  type Instruction,
  type KeyPairSigner,
  type Transaction,
} from '@solana/kit';
import type { SolanaBank } from './solana-bank.ts';
import { ASSOCIATED_TOKEN_PROGRAM, SYSTEM_PROGRAM } from './programs.ts';

/** A key pair from a fixed seed byte, so addresses and signatures are the same every run. */
export function fixedSigner(seed: number): Promise<KeyPairSigner> {
  return createKeyPairSignerFromPrivateKeyBytes(new Uint8Array(32).fill(seed));
}

/** The associated token account of `owner` for `mint` under `program` (the PDA wallets use). */
export async function associatedTokenAccount(owner: string, mint: string, program: string): Promise<Address> {
  const encoder = getAddressEncoder();
  const [pda] = await getProgramDerivedAddress({
    programAddress: address(ASSOCIATED_TOKEN_PROGRAM),
    seeds: [encoder.encode(address(owner)), encoder.encode(address(program)), encoder.encode(address(mint))],
  });
  return pda;
}

/** System Program Transfer: instruction 2, then the lamports as u64 LE. */
export function systemTransfer(from: KeyPairSigner, to: string, lamports: bigint): Instruction {
  const data = new Uint8Array(12);
  const view = new DataView(data.buffer);
  view.setUint32(0, 2, true);
  view.setBigUint64(4, lamports, true);
  return {
    programAddress: address(SYSTEM_PROGRAM),
    accounts: [
      { address: from.address, role: AccountRole.WRITABLE_SIGNER, signer: from } as never,
      { address: address(to), role: AccountRole.WRITABLE },
    ],
    data,
  };
}

/** SPL Token / Token-2022 TransferChecked: instruction 12, amount u64 LE, decimals u8. */
export function tokenTransferChecked(
  program: string,
  source: string,
  mint: string,
  destination: string,
  authority: KeyPairSigner,
  amount: bigint,
  decimals: number,
): Instruction {
  const data = new Uint8Array(10);
  data[0] = 12;
  new DataView(data.buffer).setBigUint64(1, amount, true);
  data[9] = decimals;
  return {
    programAddress: address(program),
    accounts: [
      { address: address(source), role: AccountRole.WRITABLE },
      { address: address(mint), role: AccountRole.READONLY },
      { address: address(destination), role: AccountRole.WRITABLE },
      { address: authority.address, role: AccountRole.READONLY_SIGNER, signer: authority } as never,
    ],
    data,
  };
}

/**
 * Builds, signs (@solana/kit, the payer's and every instruction signer's key) and submits one
 * transaction: legacy, or v0 with the given lookup tables compressing its accounts.
 */
export async function sendTransaction(
  bank: SolanaBank,
  payer: KeyPairSigner,
  instructions: Instruction[],
  options: { version: 'legacy' } | { version: 0; lookupTables?: Record<string, string[]> },
): Promise<string> {
  const lifetime = { blockhash: bank.blockhash as Blockhash, lastValidBlockHeight: BigInt(bank.slot + 150) };
  let signed: Transaction;
  if (options.version === 'legacy') {
    signed = await signTransactionMessageWithSigners(
      pipe(
        createTransactionMessage({ version: 'legacy' }),
        (m) => setTransactionMessageFeePayerSigner(payer, m),
        (m) => setTransactionMessageLifetimeUsingBlockhash(lifetime, m),
        (m) => appendTransactionMessageInstructions(instructions, m),
      ),
    );
  } else {
    const tables = Object.fromEntries(
      Object.entries(options.lookupTables ?? {}).map(([table, entries]) => [table, entries.map((e) => address(e))]),
    );
    signed = await signTransactionMessageWithSigners(
      pipe(
        createTransactionMessage({ version: 0 }),
        (m) => setTransactionMessageFeePayerSigner(payer, m),
        (m) => setTransactionMessageLifetimeUsingBlockhash(lifetime, m),
        (m) => appendTransactionMessageInstructions(instructions, m),
        (m) => compressTransactionMessageUsingAddressLookupTables(m, tables),
      ),
    );
  }
  return bank.submit(signed);
}
