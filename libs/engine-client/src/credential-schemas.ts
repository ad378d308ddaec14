import { z } from 'zod';

/** Credential shapes of NoETL 2.5 (`noetl/server/api/credential/schema.py`). Data is never answered. */

const jsonObject = z.record(z.string(), z.unknown());

export const credentialRequestSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'a name of letters, digits, _ . -'),
  type: z.string().min(1).max(64).default('generic'),
  data: jsonObject,
  meta: jsonObject.nullish(),
  /** A list, or one comma-separated string (as NoETL accepts). */
  tags: z.union([z.string().max(2000), z.array(z.string().max(200)).max(100)]).nullish(),
  description: z.string().max(1000).nullish(),
});
export type CredentialRequest = z.input<typeof credentialRequestSchema>;

export const credentialSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  meta: jsonObject.nullish(),
  tags: z.array(z.string()).nullish(),
  description: z.string().nullish(),
  created_at: z.string(),
  updated_at: z.string(),
  data: jsonObject.nullish(),
});
export type Credential = z.infer<typeof credentialSchema>;

export const listCredentialsQuerySchema = z.object({
  type: z.string().min(1).optional(),
  q: z.string().min(1).optional(),
});
export type ListCredentialsQuery = z.input<typeof listCredentialsQuerySchema>;

export const listCredentialsResponseSchema = z.object({
  items: z.array(credentialSchema),
  filter: jsonObject.nullish(),
});
export type ListCredentialsResponse = z.infer<typeof listCredentialsResponseSchema>;

export const credentialIdentifierSchema = z.object({ identifier: z.string().min(1).max(128) });

export const getCredentialQuerySchema = z.object({
  include_data: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional(),
  execution_id: z.string().regex(/^\d+$/).optional(),
  parent_execution_id: z.string().regex(/^\d+$/).optional(),
});

export const deleteCredentialResponseSchema = z.object({
  message: z.string(),
  id: z.string(),
  name: z.string().optional(),
});
export type DeleteCredentialResponse = z.infer<typeof deleteCredentialResponseSchema>;
