import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import shipped from './spam-tokens.json' with { type: 'json' };

const SpamListFile = Type.Object({
  tokens: Type.Array(
    Type.Object({
      /** The chain id as the API shows it (`ethereum`, `polygon`, `solana`, …). */
      chain: Type.String({ minLength: 1 }),
      /** EVM: the contract address (any case); Solana: the mint, exactly. */
      contract: Type.String({ minLength: 1 }),
      /** Why it is listed and who says so. */
      note: Type.Optional(Type.String()),
    }),
  ),
});

type SpamListFile = Static<typeof SpamListFile>;

/**
 * Tokens known to be spam, by chain and contract: the list that ships with the project
 * (`spam-tokens.json` beside this file) plus an operator's own file in the same format.
 */
export class SpamList {
  private readonly keys: Set<string>;

  private constructor(files: SpamListFile[]) {
    this.keys = new Set(files.flatMap((file) => file.tokens.map((t) => listKey(t.chain, t.contract))));
  }

  /** @throws Error naming the file and the problem when the extra list cannot be read or has the wrong shape */
  static load(extraFile?: string): SpamList {
    const files = [check('the shipped spam-tokens.json', shipped)];
    if (extraFile) {
      let text: string;
      try {
        text = readFileSync(extraFile, 'utf8');
      } catch (error) {
        throw new Error(`PORTFOLIO_SPAM_TOKENS_FILE: cannot read ${extraFile} (${(error as Error).message})`);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new Error(`PORTFOLIO_SPAM_TOKENS_FILE: ${extraFile} is not valid JSON`);
      }
      files.push(check(`PORTFOLIO_SPAM_TOKENS_FILE ${extraFile}`, parsed));
    }
    return new SpamList(files);
  }

  has(chain: string, contract: string): boolean {
    return this.keys.has(listKey(chain, contract));
  }

  get size(): number {
    return this.keys.size;
  }
}

function check(what: string, value: unknown): SpamListFile {
  if (Value.Check(SpamListFile, value)) return value;
  const first = Value.Errors(SpamListFile, value).First();
  throw new Error(`${what}: ${first ? `${first.path || '/'} ${first.message}` : 'wrong shape'}`);
}

/** EVM addresses are hex in any case (EIP-55 mixes them); a Solana mint is base58, where case matters. */
function listKey(chain: string, contract: string): string {
  const address = contract.trim();
  return `${chain.trim().toLowerCase()}\u0000${/^0x[0-9a-f]{40}$/i.test(address) ? address.toLowerCase() : address}`;
}
