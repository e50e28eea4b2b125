import {
  BaseError,
  ccipRequest,
  createPublicClient,
  getAddress,
  http,
  HttpRequestError,
  type Address,
  type CcipRequestParameters,
} from 'viem';
import { mainnet } from 'viem/chains';
import { getEnsAddress, normalize, toCoinType } from 'viem/ens';
import { ApiError, badRequest } from '../../errors.ts';
import type { EvmChain } from '../../settings.ts';
import type { NamedAddress } from '../source-kind.ts';

export interface EnsLookup {
  /** The Ethereum entry of the settings: ENS lives there, whatever network the address is linked on. */
  ethereum: EvmChain | undefined;
  /** The network the address is being linked on. */
  linkedOn: EvmChain;
  timeoutMs: number;
}

/**
 * The address an ENS name stands for on `linkedOn`, read with viem's getEnsAddress through
 * ENS's Universal Resolver on Ethereum (the name is normalized first, ENSIP-15).
 *
 * Which record: on Ethereum the name's ETH address (coin type 60). Elsewhere the address the
 * name sets for that network (ENSIP-11 coin type `0x80000000 | chainId`) when it sets one, as a
 * smart-contract wallet may live at another address there; otherwise its ETH address, since an
 * account's key controls the same address on every EVM network. Both records are asked at once
 * (one batched request).
 * @throws ApiError 400 (not a valid name, resolves to nothing, Ethereum not served), 503 (Ethereum's node failed)
 */
export async function resolveEnsName(input: string, providerId: string, lookup: EnsLookup): Promise<NamedAddress> {
  let name: string;
  try {
    name = normalize(input);
  } catch (error) {
    throw badRequest(`${input} is not a valid ENS name (${firstLine(error)})`, providerId);
  }
  const { ethereum, linkedOn } = lookup;
  if (!ethereum)
    throw badRequest(
      `ENS names are resolved on Ethereum, which this deployment does not serve; give the 0x address instead`,
      providerId,
    );
  const client = ensClient(ethereum.rpcUrl, lookup.timeoutMs);
  const universalResolverAddress = (ethereum.ensUniversalResolver ??
    mainnet.contracts.ensUniversalResolver.address) as Address;
  const read = (coinType?: bigint) =>
    getEnsAddress(client, { name, universalResolverAddress, ...(coinType === undefined ? {} : { coinType }) });
  // ENSIP-11's coin types hold chain ids below 2^31; a chain beyond has no record of its own.
  const coinType =
    linkedOn.id === ethereum.id || linkedOn.chainId >= 0x80000000 ? undefined : toCoinType(linkedOn.chainId);
  let address: Address | null;
  try {
    const [own, eth] = await Promise.all([coinType === undefined ? null : read(coinType), read()]);
    address = own ?? eth;
  } catch (error) {
    // Not the person's fault: Ethereum's node (or the resolver it runs) failed to answer.
    throw new ApiError(
      503,
      'provider_unavailable',
      `${name} could not be resolved: ENS on ${ethereum.name} did not answer (${nodeError(error)}); try again shortly`,
      providerId,
    );
  }
  if (!address)
    throw badRequest(
      `${name} does not resolve to an address (ENS has no resolver or no address record for it); check the name or give the 0x address`,
      providerId,
    );
  return { name, address: getAddress(address) };
}

function ensClient(rpcUrl: string, timeoutMs: number) {
  return createPublicClient({
    transport: http(rpcUrl, { timeout: timeoutMs, retryCount: 1, batch: true }),
    ccipRead: { request: publicGatewaysOnly },
  });
}

/**
 * CCIP-Read (EIP-3668) lets a name's resolver send this server to any URL for off-chain
 * records (`*.cb.id`, `*.base.eth`). Only HTTPS gateways named by host are called, so a name
 * cannot aim it at a literal private address (127.0.0.1, the cloud metadata address); a refused
 * gateway makes the name resolve to nothing.
 */
async function publicGatewaysOnly(request: CcipRequestParameters) {
  const urls = request.urls.filter(isPublicGateway);
  // As a gateway's own refusal (HttpError), which ENS's resolver reports as "no record".
  if (urls.length === 0)
    throw new HttpRequestError({
      url: request.urls[0] ?? '',
      status: 403,
      details: 'not an HTTPS gateway named by host',
    });
  return ccipRequest({ ...request, urls });
}

export function isPublicGateway(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname;
  const literal = /^[\d.]+$/.test(host) || host.startsWith('[');
  return parsed.protocol === 'https:' && !literal && host !== 'localhost' && !host.endsWith('.localhost');
}

/** What the node answered (an HTTP status, a JSON-RPC error, a refused connection), never its URL. */
function nodeError(error: unknown): string {
  if (!(error instanceof BaseError)) return firstLine(error);
  const http = error.walk((e) => e instanceof HttpRequestError);
  if (http instanceof HttpRequestError && http.status)
    return clip(`HTTP ${http.status} ${http.details.replace(/^"(.*)"$/, '$1')}`.trim());
  // The innermost viem error: the causes below it (Node's socket errors) name the node's host.
  let inner = error;
  while (inner.cause instanceof BaseError) inner = inner.cause;
  return clip(inner.details ? `${inner.shortMessage.replace(/\.$/, '')}: ${inner.details}` : inner.shortMessage);
}

function firstLine(error: unknown): string {
  const short = (error as { shortMessage?: unknown }).shortMessage;
  return clip(typeof short === 'string' ? short : error instanceof Error ? error.message : String(error));
}

const clip = (text: string) => text.split('\n')[0]!.slice(0, 200);
