/**
 * `mlp_tokens`: every access token of the project (metadata only). Needs an Administrator token.
 */
import { TOKENS_DATA_ATTRS as A, TOKENS_DATA_SOURCE } from '../../constants';
import type { CtyType, ObjectValue } from '../codec';
import { DiagnosticError, fromClientError } from '../diagnostics';
import type { DataSourceHandler, HandlerContext } from '../handler';
import { type BlockSchema, INITIAL_SCHEMA_VERSION } from '../schema';
import { TOKEN_INFO_ATTRIBUTES, tokenInfoValue } from './token';

const TOKEN_OBJECT: CtyType = [
  'object',
  Object.fromEntries(Object.entries(TOKEN_INFO_ATTRIBUTES).map(([name, attr]) => [name, attr.type])),
];

export const tokensDataSchema = {
  version: INITIAL_SCHEMA_VERSION,
  description:
    'Every access token of the project, in creation order (metadata only; values are never readable). Needs an Administrator token.',
  attributes: {
    tokens: {
      type: ['list', TOKEN_OBJECT],
      computed: true,
      description: 'The tokens, each with `id`, `name`, `role`, `issuer_name`, `created_at` and `expires_at`.',
    },
  },
} as const satisfies BlockSchema;

export const tokensData = {
  typeName: TOKENS_DATA_SOURCE,
  schema: tokensDataSchema,
  async read(_config: ObjectValue, ctx: HandlerContext): Promise<ObjectValue> {
    const operation = "list the project's tokens";
    try {
      const tokens = await ctx.api.admin(operation).listTokens();
      return { [A.tokens]: tokens.map(tokenInfoValue) };
    } catch (err) {
      throw new DiagnosticError(fromClientError(operation, err));
    }
  },
} satisfies DataSourceHandler;
