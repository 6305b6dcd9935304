/** `mlp_access_token`: the handler and every name the resource exports, from one place (see create.ts while it is split). */
export * from './create';
