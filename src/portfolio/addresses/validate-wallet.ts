import type { ProviderDefinition } from '../catalog/provider-definition.ts';
import { badRequest } from '../errors.ts';
import { isBitcoinAddress, parseExtendedPublicKey } from './bitcoin-keys.ts';
import { checkEvmAddress } from './evm-address.ts';

export interface WalletIdentity {
  chain: string;
  /** Normalized: EIP-55 checksummed EVM address, Bitcoin address or xpub as given. */
  address: string;
  kind: 'address' | 'xpub';
  /** Duplicate-link key. */
  identityKey: string;
}

/**
 * Checks a wallet address against the provider's chain: EVM addresses (with EIP-55 checksum)
 * on EVM chains; Bitcoin addresses and account xpubs/zpubs on Bitcoin. An address of the
 * other family is reported as the wrong chain.
 * @throws ApiError 400
 */
export function validateWallet(provider: ProviderDefinition, address: string, chain: string | undefined): WalletIdentity {
  const id = provider.providerId;
  const chosen = chain ?? provider.chains?.[0];
  if (!chosen || !provider.chains?.includes(chosen)) {
    throw badRequest(`chain ${chain ?? '(none)'} is not served by provider ${id}; use one of: ${(provider.chains ?? []).join(', ')}`, id);
  }
  const text = address.trim();
  if (provider.source.kind === 'evm') {
    if (isBitcoinAddress(text) || parseExtendedPublicKey(text)) throw badRequest(`${text} is a Bitcoin address or key, but ${provider.name} is an EVM chain`, id);
    const checked = checkEvmAddress(text);
    if (!checked.ok) throw badRequest(`the address ${checked.reason}`, id);
    return { chain: chosen, address: checked.address, kind: 'address', identityKey: `${chosen}:${checked.address.toLowerCase()}` };
  }
  if (provider.source.kind === 'bitcoin') {
    if (/^0x[0-9a-fA-F]{40}$/.test(text)) throw badRequest(`${text} is an EVM address, but this provider is Bitcoin`, id);
    if (/^[a-z]prv/i.test(text)) throw badRequest('that is a private key: never share it; give the account xpub or zpub instead', id);
    if (parseExtendedPublicKey(text)) return { chain: chosen, address: text, kind: 'xpub', identityKey: `${chosen}:${text}` };
    if (isBitcoinAddress(text)) {
      const normalized = /^bc1/i.test(text) ? text.toLowerCase() : text;
      return { chain: chosen, address: normalized, kind: 'address', identityKey: `${chosen}:${normalized}` };
    }
    throw badRequest('the address is neither a Bitcoin mainnet address nor an account xpub/zpub (check for typos: the checksum did not match)', id);
  }
  throw badRequest(`provider ${id} does not take wallet addresses`, id);
}
