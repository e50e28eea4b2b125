import {
  getBase58Decoder,
  getCompiledTransactionMessageDecoder,
  getPublicKeyFromAddress,
  getSignatureFromTransaction,
  verifySignature,
  address,
  type Transaction,
} from '@solana/kit';
import { parsedProgramName, SYSTEM_PROGRAM, TOKEN_2022_PROGRAM, TOKEN_PROGRAM, uiTokenAmount } from './programs.ts';

export interface MintState {
  program: string;
  decimals: number;
  supply: bigint;
  mintAuthority: string | null;
  /** A Token-2022 mint's own metadata (the `tokenMetadata` extension). */
  tokenMetadata?: { name: string; symbol: string; uri: string };
}

export interface TokenAccountState {
  program: string;
  mint: string;
  owner: string;
  amount: bigint;
}

/** A transaction as the ledger keeps it: what getTransaction and getSignaturesForAddress answer from. */
export interface StoredTransaction {
  signature: string;
  slot: number;
  blockTime: number;
  version: 'legacy' | 0;
  /** Every account key, loaded ones included; what getSignaturesForAddress indexes. */
  keys: string[];
  err: unknown;
  /** The jsonParsed `transaction` and `meta` objects (bigints where Solana writes u64). */
  transaction: Record<string, unknown>;
  meta: Record<string, unknown>;
}

/** What one instruction did: nothing (ok) or Solana's InstructionError, with its program logs. */
type Outcome =
  { ok: true; logs: string[]; units: number } | { ok: false; error: unknown; logs: string[]; units: number };

const LAMPORTS_PER_SIGNATURE = 5000n;
const GENESIS_TIME = 1_735_689_600; // 2025-01-01T00:00:00Z

/**
 * A tiny Solana bank: accounts, mints, token accounts and lookup tables, and the transactions
 * it executed. It takes wire transactions signed with @solana/kit, checks every signature
 * (ed25519 over the message bytes), charges 5000 lamports per signature to the fee payer even
 * when an instruction fails, and runs the System transfer and SPL / Token-2022 Transfer and
 * TransferChecked instructions with their real error codes; a failed transaction moves nothing
 * but its fee. Each transaction gets its own slot, 400 ms apart.
 */
export class SolanaBank {
  slot = 310_000_000;
  readonly lamports = new Map<string, bigint>();
  readonly mints = new Map<string, MintState>();
  readonly tokenAccounts = new Map<string, TokenAccountState>();
  /** Raw accounts (Metaplex metadata): owner program and data. */
  readonly rawAccounts = new Map<string, { owner: string; data: Uint8Array; lamports: bigint }>();
  readonly lookupTables = new Map<string, string[]>();
  readonly transactions: StoredTransaction[] = [];
  readonly blockhash = getBase58Decoder().decode(new Uint8Array(32).fill(9));

  blockTimeOf(slot: number): number {
    return GENESIS_TIME + Math.floor((slot - 310_000_000) * 0.4);
  }

  fund(account: string, lamports: bigint): void {
    this.lamports.set(account, (this.lamports.get(account) ?? 0n) + lamports);
  }

  /** Executes a signed transaction into the next slot; @throws on a bad signature or unpaid fee (never landed). */
  async submit(tx: Transaction): Promise<string> {
    const message = getCompiledTransactionMessageDecoder().decode(tx.messageBytes);
    if (message.version === 1) throw new Error('the stand-in runs legacy and v0 messages, as mainnet does');
    const { header, staticAccounts } = message;
    const signers = staticAccounts.slice(0, header.numSignerAccounts);
    for (const signer of signers) {
      const signature = tx.signatures[signer];
      const key = await getPublicKeyFromAddress(signer);
      if (!signature || !(await verifySignature(key, signature, tx.messageBytes)))
        throw new Error(`signature verification failed for ${signer}`);
    }
    const lookups = message.version === 0 ? (message.addressTableLookups ?? []) : [];
    const loadedWritable = lookups.flatMap((l) => l.writableIndexes.map((i) => this.lookup(l.lookupTableAddress, i)));
    const loadedReadonly = lookups.flatMap((l) => l.readonlyIndexes.map((i) => this.lookup(l.lookupTableAddress, i)));
    const keys: string[] = [...staticAccounts, ...loadedWritable, ...loadedReadonly];
    const writable = (i: number) =>
      i < header.numSignerAccounts
        ? i < header.numSignerAccounts - header.numReadonlySignerAccounts
        : i < staticAccounts.length
          ? i < staticAccounts.length - header.numReadonlyNonSignerAccounts
          : i < staticAccounts.length + loadedWritable.length;
    const fee = LAMPORTS_PER_SIGNATURE * BigInt(signers.length);
    const payer = keys[0]!;
    if ((this.lamports.get(payer) ?? 0n) < fee) throw new Error('InsufficientFundsForFee: the transaction never lands');

    const preBalances = keys.map((k) => this.lamports.get(k) ?? 0n);
    const preTokens = this.tokenBalances(keys);
    const savedLamports = new Map(keys.map((k) => [k, this.lamports.get(k)]));
    const savedTokens = new Map(keys.map((k) => [k, this.tokenAccounts.get(k)?.amount]));
    this.lamports.set(payer, this.lamports.get(payer)! - fee);

    const logs: string[] = [];
    let units = 0;
    let err: unknown = null;
    const instructions = message.instructions.map((ix) => ({
      program: keys[ix.programAddressIndex]!,
      accounts: (ix.accountIndices ?? []).map((i) => keys[i]!),
      signer: (ix.accountIndices ?? []).map((i) => i < header.numSignerAccounts),
      data: Uint8Array.from(ix.data ?? []),
    }));
    for (const [index, ix] of instructions.entries()) {
      logs.push(`Program ${ix.program} invoke [1]`);
      const outcome = this.execute(ix);
      logs.push(...outcome.logs);
      units += outcome.units;
      if (ix.program !== SYSTEM_PROGRAM)
        logs.push(
          `Program ${ix.program} consumed ${outcome.units} of ${200_000 - units + outcome.units} compute units`,
        );
      if (!outcome.ok) {
        err = { InstructionError: [index, outcome.error] };
        const custom = (outcome.error as { Custom?: number }).Custom;
        logs.push(
          `Program ${ix.program} failed: ${custom !== undefined ? `custom program error: 0x${custom.toString(16)}` : JSON.stringify(outcome.error)}`,
        );
        break;
      }
      logs.push(`Program ${ix.program} success`);
    }
    if (err !== null) {
      // A failed transaction keeps only its fee.
      for (const [k, v] of savedLamports)
        if (v === undefined) this.lamports.delete(k);
        else this.lamports.set(k, v);
      for (const [k, v] of savedTokens) if (v !== undefined) this.tokenAccounts.get(k)!.amount = v;
      this.lamports.set(payer, this.lamports.get(payer)! - fee);
    }

    const signature = getSignatureFromTransaction(tx);
    this.slot += 1;
    const accountKeys = keys.map((pubkey, i) => ({
      pubkey,
      signer: i < header.numSignerAccounts,
      source: i < staticAccounts.length ? 'transaction' : 'lookupTable',
      writable: writable(i),
    }));
    this.transactions.push({
      signature,
      slot: this.slot,
      blockTime: this.blockTimeOf(this.slot),
      version: message.version === 0 ? 0 : 'legacy',
      keys,
      err,
      transaction: {
        message: {
          accountKeys,
          instructions: instructions.map((ix) => this.parsedInstruction(ix)),
          recentBlockhash: message.lifetimeToken,
          ...(message.version === 0
            ? {
                addressTableLookups: lookups.map((l) => ({
                  accountKey: l.lookupTableAddress,
                  readonlyIndexes: l.readonlyIndexes,
                  writableIndexes: l.writableIndexes,
                })),
              }
            : {}),
        },
        signatures: Object.values(tx.signatures).map((s) => getBase58Decoder().decode(s!)),
      },
      meta: {
        computeUnitsConsumed: BigInt(units),
        err,
        fee,
        innerInstructions: [],
        logMessages: logs,
        postBalances: keys.map((k) => this.lamports.get(k) ?? 0n),
        postTokenBalances: this.tokenBalances(keys),
        preBalances,
        preTokenBalances: preTokens,
        rewards: [],
        status: err === null ? { Ok: null } : { Err: err },
      },
    });
    return signature;
  }

  private lookup(table: string, index: number): string {
    const entry = this.lookupTables.get(table)?.[index];
    if (!entry) throw new Error(`lookup table ${table} has no index ${index}`);
    return entry;
  }

  private tokenBalances(keys: string[]) {
    return keys.flatMap((key, accountIndex) => {
      const account = this.tokenAccounts.get(key);
      if (!account) return [];
      const decimals = this.mints.get(account.mint)!.decimals;
      return [
        {
          accountIndex,
          mint: account.mint,
          owner: account.owner,
          programId: account.program,
          uiTokenAmount: uiTokenAmount(account.amount, decimals),
        },
      ];
    });
  }

  private execute(ix: { program: string; accounts: string[]; signer: boolean[]; data: Uint8Array }): Outcome {
    const view = new DataView(ix.data.buffer, ix.data.byteOffset, ix.data.byteLength);
    if (ix.program === SYSTEM_PROGRAM && view.getUint32(0, true) === 2) {
      const [from, to] = ix.accounts as [string, string];
      const lamports = view.getBigUint64(4, true);
      if (!ix.signer[0]) return { ok: false, error: 'MissingRequiredSignature', logs: [], units: 150 };
      const have = this.lamports.get(from) ?? 0n;
      // SystemError::ResultWithNegativeLamports
      if (have < lamports)
        return {
          ok: false,
          error: { Custom: 1 },
          logs: [`Transfer: insufficient lamports ${have}, need ${lamports}`],
          units: 150,
        };
      this.lamports.set(from, have - lamports);
      this.fund(to, lamports);
      return { ok: true, logs: [], units: 150 };
    }
    if (ix.program === TOKEN_PROGRAM || ix.program === TOKEN_2022_PROGRAM) {
      const kind = ix.data[0];
      const checked = kind === 12;
      if (kind !== 3 && !checked) throw new Error(`the stand-in does not run token instruction ${kind}`);
      const [source, mint, destination, authority] = checked
        ? (ix.accounts as [string, string, string, string])
        : [ix.accounts[0]!, undefined, ix.accounts[1]!, ix.accounts[2]!];
      const amount = view.getBigUint64(1, true);
      const name = checked ? 'TransferChecked' : 'Transfer';
      const logs = [`Program log: Instruction: ${name}`];
      const from = this.tokenAccounts.get(source);
      const to = this.tokenAccounts.get(destination);
      const fail = (code: number, why: string): Outcome => ({
        ok: false,
        error: { Custom: code },
        logs: [...logs, `Program log: Error: ${why}`],
        units: 4500,
      });
      if (!from || !to || from.program !== ix.program || to.program !== ix.program)
        return { ok: false, error: 'IncorrectProgramId', logs, units: 1200 };
      if (from.mint !== to.mint || (mint !== undefined && mint !== from.mint))
        return fail(3, 'Account not associated with this Mint');
      if (from.owner !== authority || !ix.signer[checked ? 3 : 2]) return fail(4, 'owner does not match');
      if (checked && ix.data[9] !== this.mints.get(from.mint)!.decimals)
        return fail(18, 'decimals different from the Mint decimals');
      if (from.amount < amount) return fail(1, 'insufficient funds');
      from.amount -= amount;
      to.amount += amount;
      return { ok: true, logs, units: checked ? 6200 : 4700 };
    }
    throw new Error(`the stand-in does not run program ${ix.program}`);
  }

  /** An instruction as jsonParsed renders it: parsed for the programs Solana parses, raw otherwise. */
  private parsedInstruction(ix: { program: string; accounts: string[]; data: Uint8Array }) {
    const program = parsedProgramName(ix.program);
    const view = new DataView(ix.data.buffer, ix.data.byteOffset, ix.data.byteLength);
    if (program === 'system' && view.getUint32(0, true) === 2)
      return {
        parsed: {
          info: { destination: ix.accounts[1], lamports: view.getBigUint64(4, true), source: ix.accounts[0] },
          type: 'transfer',
        },
        program,
        programId: ix.program,
        stackHeight: null,
      };
    if (program?.startsWith('spl-token') && ix.data[0] === 12) {
      const [source, mint, destination, authority] = ix.accounts;
      const tokenAmount = uiTokenAmount(view.getBigUint64(1, true), ix.data[9]!);
      return {
        parsed: { info: { authority, destination, mint, source, tokenAmount }, type: 'transferChecked' },
        program,
        programId: ix.program,
        stackHeight: null,
      };
    }
    if (program?.startsWith('spl-token') && ix.data[0] === 3) {
      const [source, destination, authority] = ix.accounts;
      const amount = view.getBigUint64(1, true).toString();
      return {
        parsed: { info: { amount, authority, destination, source }, type: 'transfer' },
        program,
        programId: ix.program,
        stackHeight: null,
      };
    }
    return {
      accounts: ix.accounts,
      data: getBase58Decoder().decode(ix.data),
      programId: ix.program,
      stackHeight: null,
    };
  }
}

export { address };
