import { z } from 'zod';
import { playbookInputDeclSchema, playbookOutputDeclSchema } from './declarations.js';

/** NoETL v2 playbook DSL (`apiVersion: noetl.io/v2`, `kind: Playbook`). */

export const TOOL_KINDS = ['http', 'postgres', 'playbook', 'workbook', 'noop', 'python', 'auth'] as const;
export type ToolKind = (typeof TOOL_KINDS)[number];

const stepName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a step name of letters, digits and _ (not starting with a digit)');
const record = z.record(z.string(), z.unknown());

/** A catalog path: relative segments of letters, digits, `_`, `.`, `-`; no `.` or `..` segment; at most 255 characters. */
export const catalogPathSchema = z
  .string()
  .max(255, 'a catalog path has at most 255 characters')
  .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'a catalog path such as examples/hello_world')
  .refine((p) => !p.split('/').some((segment) => segment === '.' || segment === '..'), {
    message: 'a catalog path may not contain "." or ".." segments',
  });
/** Seconds, or a template that renders to seconds. */
const seconds = z.union([z.number().positive(), z.string().min(1)]);

export const httpToolSchema = z
  .object({
    kind: z.literal('http'),
    method: z
      .string()
      .regex(
        /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|get|post|put|patch|delete|head|options)$/,
        'an HTTP method',
      )
      .default('GET'),
    url: z.string().min(1),
    headers: z.record(z.string(), z.unknown()).optional(),
    params: record.optional(),
    body: z.unknown().optional(),
  })
  .strict();

export const postgresToolSchema = z
  .object({
    kind: z.literal('postgres'),
    auth: z.string().min(1).optional(),
    command: z.string().min(1).optional(),
    query: z.string().min(1).optional(),
    params: z.array(z.unknown()).optional(),
  })
  .strict()
  .refine((t) => t.command !== undefined || t.query !== undefined, {
    message: 'command or query is required',
    path: ['command'],
  });

export const playbookToolSchema = z
  .object({
    kind: z.literal('playbook'),
    path: z.string().min(1),
    version: z.number().int().min(1).optional(),
    args: record.optional(),
    return_step: z.string().min(1).optional(),
  })
  .strict();

export const workbookToolSchema = z
  .object({ kind: z.literal('workbook'), name: z.string().min(1), args: record.optional() })
  .strict();

export const noopToolSchema = z.object({ kind: z.literal('noop'), result: z.unknown().optional() }).strict();

export const pythonToolSchema = z.object({ kind: z.literal('python'), code: z.string().min(1) }).strict();

export const AUTH_ACTIONS = ['login', 'validate_session', 'check_access', 'logout'] as const;
export const authToolSchema = z
  .object({
    kind: z.literal('auth'),
    action: z.enum(AUTH_ACTIONS),
    token: z.string().optional(),
    session_token: z.string().optional(),
    playbook_path: z.string().optional(),
    permission_type: z.string().optional(),
    session_duration_hours: z.union([z.number(), z.string()]).optional(),
    client_ip: z.string().optional(),
    client_user_agent: z.string().optional(),
  })
  .strict();

export const TOOL_SCHEMAS: Record<ToolKind, z.ZodType> = {
  http: httpToolSchema,
  postgres: postgresToolSchema,
  playbook: playbookToolSchema,
  workbook: workbookToolSchema,
  noop: noopToolSchema,
  python: pythonToolSchema,
  auth: authToolSchema,
};

/** A tool before its kind-specific check: `kind` plus anything. */
export const looseToolSchema = z.object({ kind: z.string() }).loose();
export type ToolConfig = z.infer<typeof looseToolSchema>;

const nextTarget = z.union([stepName, z.object({ step: stepName, args: record.optional() }).strict()]);
export const nextSchema = z.union([stepName, z.array(nextTarget).min(1)]);

export const caseSchema = z
  .object({
    when: z.union([z.string().min(1), z.boolean()]),
    then: z
      .object({
        next: nextSchema.optional(),
        set: record.optional(),
        result: z.unknown().optional(),
        fail: z.union([z.string(), z.boolean()]).optional(),
      })
      .strict(),
  })
  .strict();

export const stepSchema = z
  .object({
    step: stepName,
    desc: z.string().optional(),
    args: record.optional(),
    vars: record.optional(),
    tool: looseToolSchema.optional(),
    loop: z
      .object({
        in: z.union([z.string().min(1), z.array(z.unknown())]),
        iterator: stepName,
        mode: z.enum(['sequential', 'parallel']).default('sequential'),
      })
      .strict()
      .optional(),
    case: z.array(caseSchema).optional(),
    next: nextSchema.optional(),
    retry: z
      .object({ attempts: z.number().int().min(1).max(100), delay: z.number().min(0).max(3600).default(0) })
      .strict()
      .optional(),
    timeout: seconds.optional(),
  })
  .strict();
export type Step = z.infer<typeof stepSchema>;

export const workbookTaskSchema = z
  .object({ name: z.string().min(1), desc: z.string().optional(), tool: looseToolSchema })
  .strict();

export const playbookSchema = z
  .object({
    apiVersion: z.literal('noetl.io/v2'),
    kind: z.literal('Playbook'),
    metadata: z
      .object({
        name: z.string().min(1),
        path: catalogPathSchema,
        description: z.string().optional(),
        version: z.union([z.string(), z.number()]).optional(),
        labels: z.record(z.string(), z.string()).optional(),
        /** Action inputs (parameters JSON Schema, TypeInstances) and outputs: see docs/actions.md. */
        input: playbookInputDeclSchema.optional(),
        output: playbookOutputDeclSchema.optional(),
      })
      .strict(),
    workload: record.optional(),
    workbook: z.array(workbookTaskSchema).optional(),
    workflow: z.array(stepSchema).min(1),
  })
  .strict();
export type Playbook = z.infer<typeof playbookSchema>;
export type NextSpec = z.infer<typeof nextSchema>;

/** Normalises `next` to a list of `{ step, args }`. */
export function nextTargets(
  next: NextSpec | undefined,
): Array<{ step: string; args?: Record<string, unknown> }> {
  if (next === undefined) return [];
  if (typeof next === 'string') return [{ step: next }];
  return next.map((n) => (typeof n === 'string' ? { step: n } : n));
}
