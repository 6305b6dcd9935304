/**
 * zod schemas for every body the MLP token API sends and receives (the modeled contract v1).
 * Field names come from `routes.ts`; a response that does not match becomes a `MlpProtocolError`
 * naming the field.
 */
import { z } from 'zod';
import { API_TOKEN_TYPES } from './routes';

/** Secrets are opaque strings of at least 32 characters. */
export const secretSchema = z.string().min(32);

export const apiTokenTypeSchema = z.enum(API_TOKEN_TYPES);

/** An ISO 8601 timestamp as the API writes it (UTC, with or without fractional seconds). */
export const timestampSchema = z.iso.datetime({ offset: true });

/** `POST /auth/refresh` response. */
export const exchangeResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  token_type: z.literal('Bearer'),
});
export type ExchangeResponse = z.infer<typeof exchangeResponseSchema>;

/** An access token's metadata, as who-am-I and list return it (never its value). */
export const tokenInfoSchema = z.object({
  id: z.string().min(1),
  client_name: z.string().min(1),
  token_type: apiTokenTypeSchema,
  issuer_name: z.string(),
  created_at: timestampSchema,
  exp: timestampSchema.nullable(),
});
export type TokenInfoWire = z.infer<typeof tokenInfoSchema>;

/** `GET /auth/tokens` response. */
export const tokenListSchema = z.object({ tokens: z.array(tokenInfoSchema) });

/** `POST /auth/register_tokens` request. */
export const mintRequestSchema = z.object({
  client_name: z.string(),
  access_ttl: z.string(),
  refresh_ttl: z.string().optional(),
  token_type: apiTokenTypeSchema,
});
export type MintRequestWire = z.infer<typeof mintRequestSchema>;

/** `POST /auth/register_tokens` response. */
export const mintResponseSchema = z.object({
  register_token: secretSchema,
  client_name: z.string().min(1),
  token_type: apiTokenTypeSchema,
  refresh_ttl: z.string().nullable(),
  expires_at: timestampSchema,
});
export type MintResponseWire = z.infer<typeof mintResponseSchema>;

/** `POST /auth/register_tokens/redeem` request. */
export const redeemRequestSchema = z.object({ register_token: z.string() });

/** `POST /auth/register_tokens/redeem` response: the new access token's value and metadata. */
export const redeemResponseSchema = tokenInfoSchema.extend({ refresh_token: secretSchema });
export type RedeemResponseWire = z.infer<typeof redeemResponseSchema>;

/** `POST /auth/refresh` request. */
export const exchangeRequestSchema = z.object({ refresh_token: z.string() });

/** Every error body: `{"status":403,"warnorCode":"ForbiddenException","warnorParams":{"field":"..."}}`. */
export const errorBodySchema = z.object({
  status: z.number().int(),
  warnorCode: z.string(),
  warnorParams: z.object({ field: z.string() }).partial().passthrough().optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
