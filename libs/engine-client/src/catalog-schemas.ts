import { z } from 'zod';

/** Catalog shapes of NoETL 2.5 (`noetl/server/api/catalog/schema.py`), with our fields as additive ones. */

const jsonObject = z.record(z.string(), z.unknown());

/** NoETL coerces ids to strings; a catalog id is a positive integer. */
export const catalogIdInputSchema = z
  .union([z.string().regex(/^\d{1,30}$/, 'a catalog id (digits)'), z.number().int().min(1)])
  .transform(String);

/** A version: a positive integer, its digits, or `"latest"`. */
export const versionInputSchema = z.union([
  z.literal('latest'),
  z.string().regex(/^[1-9]\d{0,8}$/, 'a version number or "latest"'),
  z.number().int().min(1).max(999_999_999),
]);
export type VersionInput = z.infer<typeof versionInputSchema>;

export const registerCatalogRequestSchema = z.object({
  /** The playbook YAML, as text or base64 (as NoETL's CLI sends it). */
  content: z.string().min(1),
  resource_type: z.string().min(1).default('Playbook'),
});
export type RegisterCatalogRequest = z.input<typeof registerCatalogRequestSchema>;

export const registerCatalogResponseSchema = z.object({
  status: z.string(),
  message: z.string(),
  path: z.string(),
  version: z.number().int(),
  catalog_id: z.string(),
  kind: z.string(),
  name: z.string().nullish(),
  description: z.string().nullish(),
  created_at: z.string().nullish(),
  /** Ours: keys NoETL accepts and ignores, each with its path (the playbook registers anyway). */
  warnings: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type RegisterCatalogResponse = z.infer<typeof registerCatalogResponseSchema>;

export const catalogEntrySchema = z.object({
  catalog_id: z.string(),
  path: z.string(),
  version: z.number().int(),
  kind: z.string(),
  content: z.string().nullish(),
  layout: jsonObject.nullish(),
  payload: jsonObject.nullish(),
  meta: jsonObject.nullish(),
  created_at: z.string().nullish(),
  name: z.string().nullish(),
  description: z.string().nullish(),
});
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;

export const listCatalogRequestSchema = z.object({
  resource_type: z.string().nullish(),
  /** Ours: only entries at this path. */
  path: z.string().min(1).optional(),
  /** Ours: `false` keeps only the latest version of each path. NoETL lists every version. */
  all_versions: z.boolean().default(true),
});
export type ListCatalogRequest = z.input<typeof listCatalogRequestSchema>;

export const listCatalogResponseSchema = z.object({ entries: z.array(catalogEntrySchema) });
export type ListCatalogResponse = z.infer<typeof listCatalogResponseSchema>;

export const catalogResourceRequestSchema = z
  .object({
    catalog_id: catalogIdInputSchema.nullish(),
    path: z.string().min(1).nullish(),
    version: versionInputSchema.nullish(),
  })
  .refine((v) => Boolean(v.path) || Boolean(v.catalog_id), {
    message: 'At least one identifier must be provided: catalog_id or path',
  });
export type CatalogResourceRequest = z.input<typeof catalogResourceRequestSchema>;

export const catalogResourceResponseSchema = catalogEntrySchema;
export type CatalogResourceResponse = z.infer<typeof catalogResourceResponseSchema>;
