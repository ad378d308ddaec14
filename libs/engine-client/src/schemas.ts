import { z } from 'zod';

/** Shapes shared by every route: health, the error body, the dev token issuer. Route shapes live next door. */

export * from './catalog-schemas.js';
export * from './credential-schemas.js';
export * from './execution-schemas.js';
export * from './event-schemas.js';

/** NoETL answers `{status: "ok"}`; the rest is ours. */
export const healthResponseSchema = z.object({
  status: z.string(),
  service: z.string().optional(),
  nats: z.enum(['connected', 'disconnected', 'disabled']).optional(),
  storage: z.enum(['postgres', 'pglite']).optional(),
  unpublished_events: z.number().int().optional(),
});
export type EngineHealth = z.infer<typeof healthResponseSchema>;

export const problemSchema = z.object({ path: z.string(), message: z.string() });
export type Problem = z.infer<typeof problemSchema>;

/** FastAPI's validation item (`detail` of a 422). */
export const validationItemSchema = z.object({
  loc: z.array(z.union([z.string(), z.number()])),
  msg: z.string(),
  type: z.string(),
});

/**
 * Every error answer: FastAPI's `{detail}` (a message, or the list of validation items of a 422), our `code`,
 * and `error` with the same code, message and details (kept for clients of earlier versions).
 */
export const errorResponseSchema = z.object({
  detail: z.union([z.string(), z.array(validationItemSchema)]).optional(),
  code: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).optional(),
});
export type EngineErrorBody = z.infer<typeof errorResponseSchema>;

export const devTokenRequestSchema = z
  .object({
    sub: z.string().min(1).max(256),
    email: z.string().max(320).optional(),
    name: z.string().max(256).optional(),
    expires_in_seconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600)
      .default(3600),
  })
  .strict();
export type DevTokenRequest = z.input<typeof devTokenRequestSchema>;
export const devTokenResponseSchema = z.object({
  token: z.string(),
  issuer: z.string(),
  audience: z.string(),
});
export const jwksResponseSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });
