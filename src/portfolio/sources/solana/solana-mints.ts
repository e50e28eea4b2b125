import {
  addDecoderSizePrefix,
  address,
  getAddressDecoder,
  getAddressEncoder,
  getBase64Encoder,
  getProgramDerivedAddress,
  getStructDecoder,
  getU32Decoder,
  getU8Decoder,
  getUtf8Decoder,
  type Address,
} from '@solana/kit';
import { METADATA_PROGRAM, type MintMetadata } from './solana-assets.ts';
import type { SolanaNode } from './solana-rpc.ts';

/** getMultipleAccounts takes at most 100 addresses. */
const ACCOUNTS_PER_CALL = 100;

/** The start of a Metaplex metadata account (borsh): key, update authority, mint, name, symbol. */
const metaplexHead = getStructDecoder([
  ['key', getU8Decoder()],
  ['updateAuthority', getAddressDecoder()],
  ['mint', getAddressDecoder()],
  ['name', addDecoderSizePrefix(getUtf8Decoder(), getU32Decoder())],
  ['symbol', addDecoderSizePrefix(getUtf8Decoder(), getU32Decoder())],
]);
const METAPLEX_METADATA_V1 = 4;

interface ParsedMint {
  parsed?: {
    type?: string;
    info?: {
      decimals?: number | bigint;
      extensions?: Array<{ extension: string; state?: { name?: string; symbol?: string } }>;
    };
  };
}

/**
 * Decimals and symbol of SPL and Token-2022 mints, two calls per 100 unknown mints: the mints
 * themselves (jsonParsed: decimals, and a Token-2022 mint's own `tokenMetadata` extension),
 * then the Metaplex metadata accounts of those still without a symbol. Remembered per adapter.
 */
export class MintDirectory {
  private readonly known = new Map<string, MintMetadata>();

  constructor(private readonly node: SolanaNode) {}

  /** `decimalsSeen`: what token balances said, used when the mint account is gone (closed). */
  async describe(
    mints: Iterable<string>,
    decimalsSeen = new Map<string, number>(),
  ): Promise<Map<string, MintMetadata>> {
    const wanted = [...new Set(mints)];
    const unknown = wanted.filter((m) => !this.known.has(m));
    for (let i = 0; i < unknown.length; i += ACCOUNTS_PER_CALL)
      await this.read(unknown.slice(i, i + ACCOUNTS_PER_CALL), decimalsSeen);
    return new Map(wanted.map((m) => [m, this.known.get(m)!]));
  }

  private async read(mints: string[], decimalsSeen: Map<string, number>): Promise<void> {
    const { node } = this;
    const accounts = await node.call(
      'getMultipleAccounts',
      node.rpc.getMultipleAccounts(mints.map(address), { encoding: 'jsonParsed' }),
    );
    const found = new Map<string, MintMetadata>();
    mints.forEach((mint, i) => {
      const info = (accounts.value[i]?.data as ParsedMint | undefined)?.parsed?.info;
      const own = info?.extensions?.find((e) => e.extension === 'tokenMetadata')?.state;
      const decimals = info?.decimals !== undefined ? Number(info.decimals) : (decimalsSeen.get(mint) ?? 0);
      found.set(mint, { decimals, ...cleanNames(own?.symbol, own?.name) });
    });
    const withoutSymbol = mints.filter((m) => !found.get(m)!.symbol);
    if (withoutSymbol.length) {
      const pdas = await Promise.all(withoutSymbol.map(metadataAddress));
      const metadata = await node.call(
        'getMultipleAccounts',
        node.rpc.getMultipleAccounts(pdas, { encoding: 'base64' }),
      );
      withoutSymbol.forEach((mint, i) => {
        const account = metadata.value[i];
        if (!account || account.owner !== METADATA_PROGRAM) return;
        const names = readMetaplex(getBase64Encoder().encode(account.data[0]), mint);
        if (names) found.set(mint, { ...found.get(mint)!, ...names });
      });
    }
    for (const [mint, metadata] of found) this.known.set(mint, metadata);
  }
}

async function metadataAddress(mint: string): Promise<Address> {
  const encoder = getAddressEncoder();
  const [pda] = await getProgramDerivedAddress({
    programAddress: address(METADATA_PROGRAM),
    seeds: ['metadata', encoder.encode(address(METADATA_PROGRAM)), encoder.encode(address(mint))],
  });
  return pda;
}

/** The name and symbol of a Metaplex metadata account, when it is one and describes `mint`. */
function readMetaplex(
  bytes: Parameters<typeof metaplexHead.decode>[0],
  mint: string,
): Pick<MintMetadata, 'symbol' | 'name'> | undefined {
  try {
    const head = metaplexHead.decode(bytes);
    if (head.key !== METAPLEX_METADATA_V1 || head.mint !== mint) return undefined;
    return cleanNames(head.symbol, head.name);
  } catch {
    return undefined; // not borsh we understand: show the mint's short form rather than fail the sync
  }
}

/** On-chain names are padded with NULs and may hold anything: keep printable text, bounded. */
function cleanNames(symbol: string | undefined, name: string | undefined): Pick<MintMetadata, 'symbol' | 'name'> {
  const clean = (text: string | undefined, max: number) =>
    text
      ?.replace(/\p{Cc}/gu, '')
      .trim()
      .slice(0, max) || undefined;
  const s = clean(symbol, 16);
  const n = clean(name, 64);
  return { ...(s ? { symbol: s } : {}), ...(n ? { name: n } : {}) };
}
