import { loadBitcoinKeys, loadSolanaKit } from '../../addresses/address-libraries.ts';
import { badRequest, SourceError } from '../../errors.ts';
import type { SourceKind } from '../source-kind.ts';

/** Solana mainnet wallets by address, through the node at SOLANA_RPC_URL. */
export const solanaKind: SourceKind = {
  kind: 'solana',
  providers: () => [
    {
      providerId: 'solana',
      name: 'Solana',
      category: 'blockchain',
      authTypes: ['wallet'],
      chains: ['solana'],
      source: { kind: 'solana' },
    },
  ],
  async validateWallet(provider, text, chain) {
    const id = provider.providerId;
    const [{ isBitcoinAddress, parseExtendedPublicKey }, { getBase58Encoder, isAddress }] = await Promise.all([
      loadBitcoinKeys(),
      loadSolanaKit(),
    ]);
    if (/^0x[0-9a-fA-F]{40}$/.test(text))
      throw badRequest(`${text} is an EVM address (Ethereum and other EVM chains), but this provider is Solana`, id);
    if (isBitcoinAddress(text) || parseExtendedPublicKey(text))
      throw badRequest(`${text} is a Bitcoin address or key, but this provider is Solana; link it with Bitcoin`, id);
    if (isSolanaSecretKey(text, getBase58Encoder))
      throw badRequest('that is a private key: never share it; give the wallet address (its public key) instead', id);
    if (!isAddress(text))
      throw badRequest('the address is not a Solana address (base58 of a 32-byte public key, 32 to 44 characters)', id);
    return { chain, address: text, kind: 'address', identityKey: `${chain}:${text}` };
  },
  async open(provider, credentials, { settings, now }) {
    if (credentials.type !== 'wallet')
      throw new SourceError('invalid', `provider ${provider.providerId} cannot read ${credentials.type} connections`);
    const { solanaSource } = await import('./solana-source.ts');
    return solanaSource({
      rpcUrl: settings.solanaRpcUrl,
      address: credentials.address,
      signaturesPerPage: settings.solanaSignaturesPerPage,
      timeoutMs: settings.sourceTimeoutMs,
      now,
    });
  },
};

/** A base58 64-byte keypair, as wallets export it ("private key"). */
function isSolanaSecretKey(text: string, base58: () => { encode(text: string): { length: number } }): boolean {
  if (!/^[1-9A-HJ-NP-Za-km-z]{80,90}$/.test(text)) return false;
  try {
    return base58().encode(text).length === 64;
  } catch {
    return false;
  }
}
