/**
 * `mlp_token`: the token the provider is configured with ("who am I"). Works with any role.
 */
import { TOKEN_DATA_ATTRS as A, TOKEN_DATA_SOURCE } from '../../constants';
import type { TokenInfo } from '../../client/types';
import type { ObjectValue } from '../codec';
import { DiagnosticError, fromClientError } from '../diagnostics';
import type { DataSourceHandler, HandlerContext } from '../handler';
import { type BlockSchema, INITIAL_SCHEMA_VERSION } from '../schema';
import { formatTime } from '../values';

/** The attributes every token description carries (here, and in each item of `mlp_tokens`). */
export const TOKEN_INFO_ATTRIBUTES = {
  id: { type: 'string', computed: true, description: "The token's id." },
  name: { type: 'string', computed: true, description: "The token's name." },
  role: { type: 'string', computed: true, description: '`user` or `admin`.' },
  issuer_name: { type: 'string', computed: true, description: 'Who issued the token.' },
  created_at: { type: 'string', computed: true, description: 'When it was created (RFC 3339).' },
  expires_at: { type: 'string', computed: true, description: 'When it expires (RFC 3339); null if it never does.' },
} as const;

export const tokenDataSchema = {
  version: INITIAL_SCHEMA_VERSION,
  description: 'The token the provider is configured with (who am I). Any role.',
  attributes: TOKEN_INFO_ATTRIBUTES,
} as const satisfies BlockSchema;

export const tokenData = {
  typeName: TOKEN_DATA_SOURCE,
  schema: tokenDataSchema,
  async read(_config: ObjectValue, ctx: HandlerContext): Promise<ObjectValue> {
    const operation = "read the provider's own token (who am I)";
    try {
      return tokenInfoValue(await ctx.api.admin(operation, 'any').whoAmI());
    } catch (err) {
      throw new DiagnosticError(fromClientError(operation, err));
    }
  },
} satisfies DataSourceHandler;

/** A token's metadata as a value of {@link TOKEN_INFO_ATTRIBUTES}. */
export function tokenInfoValue(info: TokenInfo): ObjectValue {
  return {
    [A.id]: info.id,
    [A.name]: info.name,
    [A.role]: info.role,
    [A.issuerName]: info.issuerName,
    [A.createdAt]: formatTime(info.createdAt),
    [A.expiresAt]: formatTime(info.expiresAt),
  };
}
