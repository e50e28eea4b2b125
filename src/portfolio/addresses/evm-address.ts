import { getAddress, isAddress } from 'viem';

export type AddressCheck = { ok: true; address: string } | { ok: false; reason: string };

/**
 * An EVM address: 20 bytes of hex; a mixed-case one must carry a valid EIP-55 checksum (a
 * wrong checksum usually means a typo). Answers the checksummed form.
 */
export function checkEvmAddress(input: string): AddressCheck {
  const text = input.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(text))
    return { ok: false, reason: 'is not an EVM address (0x followed by 40 hex digits)' };
  if (!isAddress(text, { strict: true }))
    return { ok: false, reason: 'has a wrong EIP-55 checksum (check the mixed-case letters)' };
  return { ok: true, address: getAddress(text) };
}
