import type { ProviderDefinition } from '../catalog/provider-definition.ts';
import { badRequest } from '../errors.ts';
import type { WalletIdentity } from '../sources/source-kind.ts';
import { sourceKind } from '../sources/source-kinds.ts';

export type { WalletIdentity } from '../sources/source-kind.ts';

/**
 * Checks a wallet address against the provider's chain through its source kind (EVM addresses
 * with their EIP-55 checksum, Bitcoin addresses and xpubs, …). An address of another family is
 * reported as the wrong chain.
 * @throws ApiError 400
 */
export function validateWallet(
  provider: ProviderDefinition,
  address: string,
  chain: string | undefined,
): WalletIdentity {
  const id = provider.providerId;
  const chosen = chain ?? provider.chains?.[0];
  if (!chosen || !provider.chains?.includes(chosen)) {
    throw badRequest(
      `chain ${chain ?? '(none)'} is not served by provider ${id}; use one of: ${(provider.chains ?? []).join(', ')}`,
      id,
    );
  }
  const validate = sourceKind(provider.source.kind)?.validateWallet;
  if (!validate) throw badRequest(`provider ${id} does not take wallet addresses`, id);
  return validate(provider, address.trim(), chosen);
}
