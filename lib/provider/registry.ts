/** The mlp provider with every resource and data source it offers. */
import { Provider, type ProviderOptions } from './provider';

export function createProvider(options: Partial<ProviderOptions> = {}): Provider {
  return new Provider({
    resources: [],
    dataSources: [],
    ...options,
  });
}
