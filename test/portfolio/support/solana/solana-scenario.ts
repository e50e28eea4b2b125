import { address, getAddressEncoder, getProgramDerivedAddress, type KeyPairSigner } from '@solana/kit';
import { SolanaBank } from './solana-bank.ts';
import { METADATA_PROGRAM, TOKEN_2022_PROGRAM, TOKEN_PROGRAM } from './programs.ts';
import {
  associatedTokenAccount,
  fixedSigner,
  sendTransaction,
  systemTransfer,
  tokenTransferChecked,
} from './solana-test-wallet.ts';

export const SOL = 1_000_000_000n;
export const USDC_MINT = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';

/** A Metaplex MetadataV1 account as the program writes it (borsh, fixed-width padded strings, 679 bytes). */
export function metaplexMetadata(mint: string, updateAuthority: string, name: string, symbol: string): Uint8Array {
  const bytes = new Uint8Array(679);
  const view = new DataView(bytes.buffer);
  const encoder = getAddressEncoder();
  let at = 0;
  bytes[at++] = 4; // Key::MetadataV1
  bytes.set(encoder.encode(address(updateAuthority)), at);
  bytes.set(encoder.encode(address(mint)), (at += 32));
  at += 32;
  for (const [text, width] of [
    [name, 32],
    [symbol, 10],
    ['https://example.invalid/meta.json', 200],
  ] as const) {
    view.setUint32(at, width, true);
    bytes.set(new TextEncoder().encode(text), at + 4); // the rest stays NUL padding
    at += 4 + width;
  }
  view.setUint16(at, 500, true); // seller fee basis points; creators None, not sold, mutable follow
  bytes[at + 4] = 1;
  return bytes;
}

export interface SolanaScenario {
  bank: SolanaBank;
  owner: KeyPairSigner;
  friend: KeyPairSigner;
  shop: KeyPairSigner;
  mints: { usdc: string; meow: string; gold: string; plain: string };
  /** The owner's token accounts by mint name. */
  ownerAccounts: { usdc: string; meow: string; gold: string; plain: string };
  friendAccounts: { usdc: string; meow: string; gold: string };
  sig: Record<'t1' | 't2' | 't3' | 't4' | 't5' | 't6', string>;
}

/**
 * The owner's first month on Solana, every transaction signed with @solana/kit by fixed keys:
 * t1 friend sends 2 SOL (legacy); t2 friend sends 250 USDC to the owner's token account, so the
 * owner's address is not in it (legacy); t3 owner sends 0.5 SOL to the shop, loaded through a
 * lookup table (v0); t4 owner sends 1,000 MEOW (Metaplex-named) to the friend (legacy); t5 owner
 * tries to send 100 SOL and fails (v0, fee kept); t6 friend sends 3 GOLDX, a Token-2022 token
 * named by its own metadata, through a lookup table (v0). The owner also holds 42 of a mint
 * without any metadata.
 */
export async function solanaScenario(): Promise<SolanaScenario> {
  const bank = new SolanaBank();
  const [owner, friend, shop, meowKey, goldKey, plainKey, tableKey] = await Promise.all(
    [1, 2, 3, 10, 11, 12, 20].map(fixedSigner),
  );
  const mints = { usdc: USDC_MINT, meow: meowKey!.address, gold: goldKey!.address, plain: plainKey!.address };
  bank.mints.set(mints.usdc, {
    program: TOKEN_PROGRAM,
    decimals: 6,
    supply: 10n ** 15n,
    mintAuthority: friend!.address,
  });
  bank.mints.set(mints.meow, { program: TOKEN_PROGRAM, decimals: 5, supply: 10n ** 16n, mintAuthority: null });
  bank.mints.set(mints.gold, {
    program: TOKEN_2022_PROGRAM,
    decimals: 9,
    supply: 10n ** 12n,
    mintAuthority: friend!.address,
    tokenMetadata: { name: 'Gold Bar', symbol: 'GOLDX', uri: 'https://example.invalid/gold.json' },
  });
  bank.mints.set(mints.plain, { program: TOKEN_PROGRAM, decimals: 0, supply: 1000n, mintAuthority: null });
  const encoder = getAddressEncoder();
  const [meowMetadata] = await getProgramDerivedAddress({
    programAddress: address(METADATA_PROGRAM),
    seeds: ['metadata', encoder.encode(address(METADATA_PROGRAM)), encoder.encode(address(mints.meow))],
  });
  bank.rawAccounts.set(meowMetadata, {
    owner: METADATA_PROGRAM,
    data: metaplexMetadata(mints.meow, friend!.address, 'Meow Coin', 'MEOW'),
    lamports: 5_616_720n,
  });

  const ata = (who: KeyPairSigner, mint: string, program = TOKEN_PROGRAM) =>
    associatedTokenAccount(who.address, mint, program);
  const ownerAccounts = {
    usdc: await ata(owner!, mints.usdc),
    meow: await ata(owner!, mints.meow),
    gold: await ata(owner!, mints.gold, TOKEN_2022_PROGRAM),
    plain: await ata(owner!, mints.plain),
  };
  const friendAccounts = {
    usdc: await ata(friend!, mints.usdc),
    meow: await ata(friend!, mints.meow),
    gold: await ata(friend!, mints.gold, TOKEN_2022_PROGRAM),
  };
  const holding = (owner: string, mint: string, amount: bigint, program = TOKEN_PROGRAM) => ({
    program,
    mint,
    owner,
    amount,
  });
  bank.tokenAccounts.set(ownerAccounts.usdc, holding(owner!.address, mints.usdc, 0n));
  bank.tokenAccounts.set(ownerAccounts.meow, holding(owner!.address, mints.meow, 500_000_000_000n));
  bank.tokenAccounts.set(ownerAccounts.gold, holding(owner!.address, mints.gold, 0n, TOKEN_2022_PROGRAM));
  bank.tokenAccounts.set(ownerAccounts.plain, holding(owner!.address, mints.plain, 42n));
  bank.tokenAccounts.set(friendAccounts.usdc, holding(friend!.address, mints.usdc, 1_000_000_000n));
  bank.tokenAccounts.set(friendAccounts.meow, holding(friend!.address, mints.meow, 0n));
  bank.tokenAccounts.set(friendAccounts.gold, holding(friend!.address, mints.gold, 10n * SOL, TOKEN_2022_PROGRAM));
  bank.fund(owner!.address, 5n * SOL);
  bank.fund(friend!.address, 10n * SOL);
  bank.fund(shop!.address, 1n * SOL);
  const table = tableKey!.address;
  bank.lookupTables.set(table, [shop!.address, ownerAccounts.gold]);
  const lookupTables = { [table]: [shop!.address, ownerAccounts.gold] };

  const sig = {
    t1: await sendTransaction(bank, friend!, [systemTransfer(friend!, owner!.address, 2n * SOL)], {
      version: 'legacy',
    }),
    t2: await sendTransaction(
      bank,
      friend!,
      [
        tokenTransferChecked(
          TOKEN_PROGRAM,
          friendAccounts.usdc,
          mints.usdc,
          ownerAccounts.usdc,
          friend!,
          250_000_000n,
          6,
        ),
      ],
      { version: 'legacy' },
    ),
    t3: await sendTransaction(bank, owner!, [systemTransfer(owner!, shop!.address, SOL / 2n)], {
      version: 0,
      lookupTables,
    }),
    t4: await sendTransaction(
      bank,
      owner!,
      [
        tokenTransferChecked(
          TOKEN_PROGRAM,
          ownerAccounts.meow,
          mints.meow,
          friendAccounts.meow,
          owner!,
          100_000_000n,
          5,
        ),
      ],
      { version: 'legacy' },
    ),
    t5: await sendTransaction(bank, owner!, [systemTransfer(owner!, shop!.address, 100n * SOL)], { version: 0 }),
    t6: await sendTransaction(
      bank,
      friend!,
      [
        tokenTransferChecked(
          TOKEN_2022_PROGRAM,
          friendAccounts.gold,
          mints.gold,
          ownerAccounts.gold,
          friend!,
          3n * SOL,
          9,
        ),
      ],
      { version: 0, lookupTables },
    ),
  };
  return { bank, owner: owner!, friend: friend!, shop: shop!, mints, ownerAccounts, friendAccounts, sig };
}
