import { parse } from 'yaml';
import { z } from 'zod';
import { normalizeNoetlPlaybook } from './noetl-forms.js';

/**
 * What a playbook declares for Actions, in its `metadata`:
 *
 * ```yaml
 * metadata:
 *   input:
 *     parameters: { type: object, required: [count], properties: { count: { type: integer } } }
 *     typeInstances:
 *       - { name: database, typeRef: { path: cap.type.db.config, revision: "1" }, optional: true }
 *   output:
 *     typeInstances:
 *       - { name: report, typeRef: { path: cap.type.report, revision: "1" }, from: summarize }
 * ```
 */
const typeRef = z.object({ path: z.string().min(1), revision: z.coerce.string().min(1) }).strict();

export const inputTypeInstanceDeclSchema = z
  .object({ name: z.string().min(1), typeRef, optional: z.boolean().default(false) })
  .strict();
export type InputTypeInstanceDecl = z.infer<typeof inputTypeInstanceDeclSchema>;

export const playbookInputDeclSchema = z
  .object({
    parameters: z.record(z.string(), z.unknown()).optional(),
    typeInstances: z.array(inputTypeInstanceDeclSchema).optional(),
  })
  .strict();

export const outputTypeInstanceDeclSchema = z
  .object({
    name: z.string().min(1),
    typeRef,
    /** The step whose result becomes the value; without it, the execution's result. */
    from: z.string().min(1).optional(),
  })
  .strict();
export type OutputTypeInstanceDecl = z.infer<typeof outputTypeInstanceDeclSchema>;

export const playbookOutputDeclSchema = z
  .object({ typeInstances: z.array(outputTypeInstanceDeclSchema).optional() })
  .strict();

/** A `kind: playbook` call inside a playbook: the step (or workbook task) and its tool settings. */
export interface NestedCall {
  step: string;
  path: string;
  version?: number;
  args: Record<string, unknown>;
}

export interface PlaybookOutline {
  parameters?: Record<string, unknown>;
  workload: Record<string, unknown>;
  typeInstances: InputTypeInstanceDecl[];
  outputs: OutputTypeInstanceDecl[];
  calls: NestedCall[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function callOf(owner: string, tool: unknown): NestedCall | undefined {
  if (!isRecord(tool) || tool.kind !== 'playbook' || typeof tool.path !== 'string') return undefined;
  return {
    step: owner,
    path: tool.path,
    ...(typeof tool.version === 'number' ? { version: tool.version } : {}),
    args: isRecord(tool.args) ? tool.args : {},
  };
}

/** Reads the parts of a registered playbook that rendering needs; throws a message naming the problem. */
export function outlinePlaybook(content: string): PlaybookOutline {
  // NoETL's forms (workbook `task`, playbook `payload`, …) read as the engine runs them.
  const doc: unknown = normalizeNoetlPlaybook(parse(content, { uniqueKeys: false })).value;
  if (!isRecord(doc)) throw new Error('the playbook is not a mapping');
  const metadata = isRecord(doc.metadata) ? doc.metadata : {};
  const input = playbookInputDeclSchema.safeParse(metadata.input ?? {});
  if (!input.success)
    throw new Error(
      `metadata.input is invalid: ${input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const output = playbookOutputDeclSchema.safeParse(metadata.output ?? {});
  if (!output.success)
    throw new Error(
      `metadata.output is invalid: ${output.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const calls: NestedCall[] = [];
  const workbook = Array.isArray(doc.workbook) ? doc.workbook : [];
  const tasks = new Map<string, unknown>();
  for (const task of workbook)
    if (isRecord(task) && typeof task.name === 'string') tasks.set(task.name, task.tool);
  for (const step of Array.isArray(doc.workflow) ? doc.workflow : []) {
    if (!isRecord(step) || typeof step.step !== 'string' || !isRecord(step.tool)) continue;
    const direct = callOf(step.step, step.tool);
    if (direct) calls.push(direct);
    if (step.tool.kind === 'workbook' && typeof step.tool.name === 'string') {
      const viaTask = callOf(`${step.step}(${step.tool.name})`, tasks.get(step.tool.name));
      if (viaTask) calls.push(viaTask);
    }
  }
  return {
    ...(input.data.parameters ? { parameters: input.data.parameters } : {}),
    workload: isRecord(doc.workload) ? doc.workload : {},
    typeInstances: input.data.typeInstances ?? [],
    outputs: output.data.typeInstances ?? [],
    calls,
  };
}
