/** How a person proves access to a provider (`CryptoSourceCredentialAuthType`). */
export type AuthType = 'api_key' | 'wallet' | 'oauth2' | 'csv';
export type ProviderCategory = 'exchange' | 'wallet' | 'blockchain' | 'custodian';

/** Which source kind reads a provider (sources/source-kinds.ts), and the chain when the kind serves several. */
export interface ProviderSource {
  kind: string;
  chainId?: string;
}

/** One entry of the catalogue: the wire metadata plus what the engine needs to read it. */
export interface ProviderDefinition {
  providerId: string;
  name: string;
  category: ProviderCategory;
  authTypes: AuthType[];
  logoUrl?: string;
  /** Chains a wallet connection may name; the first is the default. */
  chains?: string[];
  /** CSV formats accepted (`universal` first). */
  csvFormats?: string[];
  /** An exchange linked by API key: whether its keys come with a passphrase, and how to create a read-only one. */
  apiKey?: { passphrase: boolean; help: string[] };
  source: ProviderSource;
}

/** The catalogue's wire shape (ProviderMetadata). */
export interface ProviderMetadata {
  provider_id: string;
  name: string;
  category: ProviderCategory;
  auth_types: AuthType[];
  logo_url?: string;
  chains?: string[];
  csv_formats?: string[];
  required_fields?: Array<'api_key' | 'secret_key' | 'passphrase'>;
  status: 'available' | 'degraded';
}

/** `baseUrl` (the issuer) makes a logo path served here an absolute URL, as apps need it. */
export function providerMetadata(
  definition: ProviderDefinition,
  status: 'available' | 'degraded' = 'available',
  baseUrl = '',
): ProviderMetadata {
  return {
    provider_id: definition.providerId,
    name: definition.name,
    category: definition.category,
    auth_types: definition.authTypes,
    ...(definition.logoUrl
      ? { logo_url: definition.logoUrl.startsWith('/') ? baseUrl + definition.logoUrl : definition.logoUrl }
      : {}),
    ...(definition.chains ? { chains: definition.chains } : {}),
    ...(definition.csvFormats ? { csv_formats: definition.csvFormats } : {}),
    ...(definition.apiKey
      ? {
          required_fields: [
            'api_key' as const,
            'secret_key' as const,
            ...(definition.apiKey.passphrase ? ['passphrase' as const] : []),
          ],
        }
      : {}),
    status,
  };
}
