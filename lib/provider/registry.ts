/** The mlp provider with every resource and data source it offers. */
import { tokenData } from './data-sources/token';
import { tokensData } from './data-sources/tokens';
import { ephemeralAccessToken } from './ephemeral/access-token';
import { Provider, type ProviderOptions } from './provider';
import { accessToken } from './resources/access-token';
import { registerToken } from './resources/register-token';

export const RESOURCES = [accessToken, registerToken] as const;
export const DATA_SOURCES = [tokenData, tokensData] as const;
export const EPHEMERAL_RESOURCES = [ephemeralAccessToken] as const;

export function createProvider(options: Partial<ProviderOptions> = {}): Provider {
  return new Provider({ resources: RESOURCES, dataSources: DATA_SOURCES, ephemeralResources: EPHEMERAL_RESOURCES, ...options });
}
