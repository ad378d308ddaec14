import { z } from 'zod';

/** The auth playbooks the engine registers at start. */
export const AUTH_PLAYBOOK_PATHS = {
  login: 'api_integration/auth0/auth0_login',
  validate: 'api_integration/auth0/auth0_validate_session',
  checkAccess: 'api_integration/auth0/check_playbook_access',
  logout: 'api_integration/auth0/auth0_logout',
} as const;

export const authUserSchema = z.object({
  user_id: z.union([z.string(), z.number()]).transform(String),
  email: z
    .string()
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  display_name: z
    .string()
    .nullable()
    .optional()
    .transform((v) => v ?? null),
});
export type AuthUser = z.infer<typeof authUserSchema>;

/** Result of `auth0_login`. */
export const loginResultSchema = z.object({
  status: z.string(),
  session_token: z.string().nullable().optional(),
  user: authUserSchema.nullable().optional(),
  expires_at: z.string().nullable().optional(),
  message: z.string().optional(),
});
export type LoginResult = z.infer<typeof loginResultSchema>;

/** Result of `auth0_validate_session`. */
export const validateResultSchema = z.object({
  valid: z.boolean(),
  user: authUserSchema.nullable().optional(),
  expires_at: z.string().nullable().optional(),
  message: z.string().optional(),
});
export type ValidateResult = z.infer<typeof validateResultSchema>;

/** Result of `check_playbook_access`. */
export const accessResultSchema = z.object({
  allowed: z.boolean(),
  user: authUserSchema.nullable().optional(),
  playbook_path: z.string().optional(),
  permission_type: z.string().optional(),
  message: z.string().optional(),
});
export type AccessResult = z.infer<typeof accessResultSchema>;

/** Result of `auth0_logout`: the revoked session's token as SHA-256 hex, never the token. */
export const logoutResultSchema = z.object({
  revoked: z.boolean(),
  token_hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable()
    .optional(),
  user: authUserSchema.nullable().optional(),
  message: z.string().optional(),
});
export type LogoutResult = z.infer<typeof logoutResultSchema>;

/**
 * `view` / `execute`: one's own runs and Actions of a path; `view_all`: reading everyone's; `admin`: everything,
 * including cancelling or deleting someone else's; `register`: adding a playbook (a new version) at a path.
 */
export type PermissionType = 'view' | 'execute' | 'register' | 'view_all' | 'admin';
