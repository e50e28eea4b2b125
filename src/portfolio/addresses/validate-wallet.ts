import type { ProviderDefinition } from '../catalog/provider-definition.ts';
import { badRequest } from '../errors.ts';
import type { WalletNameResolver } from '../sources/create-source.ts';
import type { WalletIdentity } from '../sources/source-kind.ts';
import { sourceKind } from '../sources/source-kinds.ts';

export type { WalletIdentity } from '../sources/source-kind.ts';

/**
 * Checks a wallet address against the provider's chain through its source kind (EVM addresses
 * with their EIP-55 checksum, Bitcoin addresses and xpubs, …). An address of another family is
 * reported as the wrong chain. A name where the kind has a naming service (ENS) is resolved
 * first, and the address it names is checked like a typed one.
 * @throws ApiError 400, 503 (the naming service could not be reached)
 */
export async function validateWallet(
  provider: ProviderDefinition,
  address: string,
  chain: string | undefined,
  resolveName: WalletNameResolver,
): Promise<WalletIdentity> {
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
  const text = address.trim();
  const named = await resolveName(provider, text, chosen);
  if (!named) return validate(provider, text, chosen);
  return { ...(await validate(provider, named.address, chosen)), name: named.name };
}
