/** Program ids the stand-in executes or describes. */
export const SYSTEM_PROGRAM = '11111111111111111111111111111111';
export const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
export const TOKEN_2022_PROGRAM = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb';
export const ASSOCIATED_TOKEN_PROGRAM = 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL';
export const METADATA_PROGRAM = 'metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s';
export const LOOKUP_TABLE_PROGRAM = 'AddressLookupTab1e1111111111111111111111111';

/** The program name jsonParsed answers carry. */
export function parsedProgramName(programId: string): string | undefined {
  if (programId === SYSTEM_PROGRAM) return 'system';
  if (programId === TOKEN_PROGRAM) return 'spl-token';
  if (programId === TOKEN_2022_PROGRAM) return 'spl-token-2022';
  return undefined;
}

/** A token amount as Solana's account decoder renders it (`UiTokenAmount`). */
export function uiTokenAmount(amount: bigint, decimals: number) {
  const digits = amount.toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  const uiAmountString = fraction ? `${whole}.${fraction}` : whole;
  return {
    amount: amount.toString(),
    decimals,
    uiAmount: amount === 0n ? null : Number(uiAmountString),
    uiAmountString,
  };
}
