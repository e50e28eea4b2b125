import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getBase58Encoder, getBase64Decoder } from '@solana/kit';
import type { SolanaBank } from './solana-bank.ts';
import { SYSTEM_PROGRAM, TOKEN_2022_PROGRAM, TOKEN_PROGRAM, uiTokenAmount } from './programs.ts';

type Params = unknown[];
class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const U64_MAX = 18_446_744_073_709_551_615n;
const API_VERSION = '2.2.7';
const RATE_LIMITED = 'Too many requests for a specific RPC call, contact your app developer or support@rpcpool.com.';

/**
 * A Solana JSON-RPC node over a SolanaBank, answering @solana/kit as mainnet does: the methods a
 * wallet reader calls, in their real result shapes (`{context:{slot,apiVersion},value}` where
 * Solana wraps them, u64 as JSON integers up to u64::MAX), JSON-RPC error objects with Solana's
 * codes, and the public endpoint's HTTP 429. `state` 'down' drops every connection.
 */
export class SolanaRpcServer {
  private server: Server | undefined;
  url = '';
  state: 'up' | 'down' | 'rate-limited' = 'up';
  /** Methods answered with a JSON-RPC error instead (e.g. history unavailable, -32011). */
  readonly failing = new Map<string, { code: number; message: string }>();
  /** Every call served, in order: `method` and its first parameter. */
  readonly calls: Array<{ method: string; first: unknown }> = [];

  constructor(readonly bank: SolanaBank) {}

  async start(): Promise<void> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  callsOf(method: string): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.first);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.state === 'down') return void request.socket.destroy();
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(stringify(body));
    };
    if (request.method !== 'POST') {
      response.writeHead(405, { 'content-type': 'text/plain' });
      return void response.end('Used HTTP Method is not allowed. POST or OPTIONS is required');
    }
    let payload: { id?: unknown; method?: string; params?: Params };
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof payload;
    } catch {
      return send(200, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
    }
    const id = payload.id ?? null;
    if (this.state === 'rate-limited')
      return send(429, { jsonrpc: '2.0', error: { code: 429, message: RATE_LIMITED }, id });
    const method = payload.method ?? '';
    const params = payload.params ?? [];
    this.calls.push({ method, first: params[0] });
    try {
      const failure = this.failing.get(method);
      if (failure) throw new RpcError(failure.code, failure.message);
      send(200, { jsonrpc: '2.0', result: this.answer(method, params), id });
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      send(200, { jsonrpc: '2.0', error: { code: error.code, message: error.message }, id });
    }
  }

  private answer(method: string, params: Params): unknown {
    const bank = this.bank;
    const context = { apiVersion: API_VERSION, slot: BigInt(bank.slot) };
    const config = (i: number) => (params[i] ?? {}) as Record<string, unknown>;
    switch (method) {
      case 'getHealth':
        return 'ok';
      case 'getSlot':
        return BigInt(bank.slot);
      case 'getLatestBlockhash':
        return { context, value: { blockhash: bank.blockhash, lastValidBlockHeight: BigInt(bank.slot + 150) } };
      case 'getBalance':
        return { context, value: bank.lamports.get(pubkey(params[0])) ?? 0n };
      case 'getAccountInfo':
        return { context, value: this.account(pubkey(params[0]), config(1).encoding) };
      case 'getMultipleAccounts': {
        const list = params[0];
        if (!Array.isArray(list) || list.length > 100) throw new RpcError(-32602, 'Too many inputs provided; max 100');
        return { context, value: list.map((a) => this.account(pubkey(a), config(1).encoding)) };
      }
      case 'getTokenAccountsByOwner':
        return { context, value: this.tokenAccountsOf(pubkey(params[0]), config(1), config(2).encoding) };
      case 'getSignaturesForAddress':
        return this.signaturesFor(pubkey(params[0]), config(1));
      case 'getTransaction':
        return this.transaction(signatureParam(params[0]), config(1));
      default:
        throw new RpcError(-32601, 'Method not found');
    }
  }

  private account(address: string, encoding: unknown): unknown {
    const bank = this.bank;
    const base = { executable: false, rentEpoch: U64_MAX };
    const mint = bank.mints.get(address);
    const token = bank.tokenAccounts.get(address);
    if ((mint || token) && encoding !== 'jsonParsed')
      throw new RpcError(-32602, 'this stand-in encodes token accounts and mints as jsonParsed only');
    if (mint) {
      const program = mint.program === TOKEN_PROGRAM ? 'spl-token' : 'spl-token-2022';
      const extensions = mint.tokenMetadata
        ? [
            { extension: 'metadataPointer', state: { authority: mint.mintAuthority, metadataAddress: address } },
            {
              extension: 'tokenMetadata',
              state: {
                additionalMetadata: [],
                mint: address,
                ...mint.tokenMetadata,
                updateAuthority: mint.mintAuthority,
              },
            },
          ]
        : undefined;
      const space = BigInt(extensions ? 82 + 83 + 234 : 82);
      const info = {
        decimals: mint.decimals,
        freezeAuthority: null,
        isInitialized: true,
        mintAuthority: mint.mintAuthority,
        supply: mint.supply.toString(),
        ...(extensions ? { extensions } : {}),
      };
      return {
        ...base,
        data: { parsed: { info, type: 'mint' }, program, space },
        lamports: 1_461_600n + space * 6960n,
        owner: mint.program,
        space,
      };
    }
    if (token) {
      const t22 = token.program === TOKEN_2022_PROGRAM;
      const info = {
        isNative: false,
        mint: token.mint,
        owner: token.owner,
        state: 'initialized',
        tokenAmount: uiTokenAmount(token.amount, bank.mints.get(token.mint)!.decimals),
        ...(t22 ? { extensions: [{ extension: 'immutableOwner' }] } : {}),
      };
      const space = t22 ? 170n : 165n;
      const program = t22 ? 'spl-token-2022' : 'spl-token';
      return {
        ...base,
        data: { parsed: { info, type: 'account' }, program, space },
        lamports: 2_039_280n,
        owner: token.program,
        space,
      };
    }
    const raw = bank.rawAccounts.get(address);
    if (raw)
      return {
        ...base,
        data: [getBase64Decoder().decode(raw.data), 'base64'],
        lamports: raw.lamports,
        owner: raw.owner,
        space: BigInt(raw.data.length),
      };
    const lamports = bank.lamports.get(address);
    if (lamports === undefined) return null;
    return { ...base, data: ['', 'base64'], lamports, owner: SYSTEM_PROGRAM, space: 0n };
  }

  private tokenAccountsOf(owner: string, filter: Record<string, unknown>, encoding: unknown): unknown[] {
    if (encoding !== 'jsonParsed')
      throw new RpcError(-32602, 'this stand-in encodes token accounts as jsonParsed only');
    const program = filter.programId as string | undefined;
    const mint = filter.mint as string | undefined;
    if (program !== undefined && program !== TOKEN_PROGRAM && program !== TOKEN_2022_PROGRAM)
      throw new RpcError(-32602, 'Invalid param: unrecognized Token program id');
    if (program === undefined && mint === undefined) throw new RpcError(-32602, 'Invalid params: missing filter');
    return [...this.bank.tokenAccounts]
      .filter(([, a]) => a.owner === owner && (program ? a.program === program : a.mint === mint))
      .map(([pubkey]) => ({ account: this.account(pubkey, 'jsonParsed'), pubkey }));
  }

  private signaturesFor(address: string, config: Record<string, unknown>): unknown[] {
    const limit = (config.limit as number | undefined) ?? 1000;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new RpcError(-32602, 'Invalid limit; max 1000');
    const touching = this.bank.transactions.filter((t) => t.keys.includes(address)).reverse();
    let start = 0;
    if (typeof config.before === 'string') start = touching.findIndex((t) => t.signature === config.before) + 1;
    const end = typeof config.until === 'string' ? touching.findIndex((t) => t.signature === config.until) : -1;
    return touching
      .slice(start, end === -1 ? undefined : Math.max(start, end))
      .slice(0, limit)
      .map((t) => ({
        blockTime: BigInt(t.blockTime),
        confirmationStatus: 'finalized',
        err: t.err,
        memo: null,
        signature: t.signature,
        slot: BigInt(t.slot),
      }));
  }

  private transaction(signature: string, config: Record<string, unknown>): unknown {
    if (config.encoding !== 'jsonParsed')
      throw new RpcError(-32602, 'this stand-in serves transactions as jsonParsed only');
    const stored = this.bank.transactions.find((t) => t.signature === signature);
    if (!stored) return null;
    const max = config.maxSupportedTransactionVersion;
    if (stored.version === 0 && max === undefined)
      throw new RpcError(
        -32015,
        'Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0',
      );
    return {
      blockTime: BigInt(stored.blockTime),
      meta: stored.meta,
      slot: BigInt(stored.slot),
      transaction: stored.transaction,
      ...(max !== undefined ? { version: stored.version } : {}),
    };
  }
}

/** A base58 32-byte address parameter, refused as Solana refuses it. */
function pubkey(value: unknown): string {
  if (typeof value === 'string') {
    try {
      if (getBase58Encoder().encode(value).length === 32) return value;
    } catch {
      // fall through
    }
  }
  throw new RpcError(-32602, 'Invalid param: Invalid');
}

function signatureParam(value: unknown): string {
  if (typeof value === 'string') {
    try {
      if (getBase58Encoder().encode(value).length === 64) return value;
    } catch {
      // fall through
    }
  }
  throw new RpcError(-32602, 'Invalid param: Invalid');
}

/** JSON with bigints written as integers (Solana's u64 fields), as the node writes them. */
function stringify(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `\u0000${v}\u0000` : v)).replace(
    /"\\u0000(\d+)\\u0000"/g,
    '$1',
  );
}
