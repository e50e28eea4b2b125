import { loadBitcoinKeys } from '../../addresses/address-libraries.ts';
import { badRequest, SourceError } from '../../errors.ts';
import type { SourceKind } from '../source-kind.ts';

/** Bitcoin mainnet through Esplora, by address or account xpub/zpub. */
export const bitcoinKind: SourceKind = {
  kind: 'bitcoin',
  providers: () => [
    {
      providerId: 'bitcoin',
      name: 'Bitcoin',
      category: 'blockchain',
      authTypes: ['wallet'],
      chains: ['bitcoin'],
      source: { kind: 'bitcoin' },
    },
  ],
  async validateWallet(provider, address, chain) {
    const id = provider.providerId;
    const { isBitcoinAddress, parseExtendedPublicKey } = await loadBitcoinKeys();
    if (/^0x[0-9a-fA-F]{40}$/.test(address))
      throw badRequest(`${address} is an EVM address, but this provider is Bitcoin`, id);
    if (/^[a-z]prv/i.test(address))
      throw badRequest('that is a private key: never share it; give the account xpub or zpub instead', id);
    if (parseExtendedPublicKey(address)) return { chain, address, kind: 'xpub', identityKey: `${chain}:${address}` };
    if (isBitcoinAddress(address)) {
      const normalized = /^bc1/i.test(address) ? address.toLowerCase() : address;
      return { chain, address: normalized, kind: 'address', identityKey: `${chain}:${normalized}` };
    }
    throw badRequest(
      'the address is neither a Bitcoin mainnet address nor an account xpub/zpub (check for typos: the checksum did not match)',
      id,
    );
  },
  async open(provider, credentials, { settings, now }) {
    if (credentials.type !== 'wallet')
      throw new SourceError('invalid', `provider ${provider.providerId} cannot read ${credentials.type} connections`);
    const { bitcoinSource } = await import('./bitcoin-source.ts');
    return bitcoinSource({
      baseUrl: settings.esploraUrl,
      address: credentials.address,
      kind: credentials.kind,
      gapLimit: settings.bitcoinGapLimit,
      timeoutMs: settings.sourceTimeoutMs,
      now,
    });
  },
};
