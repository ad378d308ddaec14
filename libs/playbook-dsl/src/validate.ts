import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { Problem } from '@switchyard/engine-client';
import { formatPath } from './format-path.js';
import { normalizeNoetlPlaybook } from './noetl-forms.js';
import { duplicateKeyWarnings } from './yaml-duplicates.js';
import {
  nextTargets,
  playbookSchema,
  TOOL_KINDS,
  TOOL_SCHEMAS,
  type Playbook,
  type ToolKind,
} from './schema.js';

/**
 * The outcome of checking a playbook. `warnings` name what was accepted but has no effect, or was read
 * differently (NoETL keys it ignores, duplicate YAML keys, duplicate step names); registration answers
 * may pass them on.
 */
export type ValidationResult =
  | { ok: true; playbook: Playbook; warnings: Problem[] }
  | { ok: false; problems: Problem[]; warnings: Problem[] };

export { formatPath };

function issuesToProblems(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): Problem[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return {
        path: formatPath([...prefix, ...issue.path]),
        message: `unknown key${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`,
      };
    }
    return { path: formatPath([...prefix, ...issue.path]), message: issue.message };
  });
}

/** Parses YAML (or JSON) playbook text and checks it fully; every problem comes with its path. */
export function validatePlaybookText(content: string): ValidationResult {
  if (content.includes('\u0000')) {
    return {
      ok: false,
      problems: [{ path: '(content)', message: 'the content contains a NUL byte (\\u0000)' }],
      warnings: [],
    };
  }
  const doc = parseDocument(content, { prettyErrors: true, uniqueKeys: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      warnings: [],
      problems: doc.errors.map((e) => ({
        path: '(yaml)',
        message: (e.message.split('\n')[0] ?? e.message).replace(/:$/, ''),
      })),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // e.g. an alias bomb: "Excessive alias count indicates a resource exhaustion attack".
    return { ok: false, problems: [{ path: '(yaml)', message: (error as Error).message }], warnings: [] };
  }
  const checked = validatePlaybook(value);
  return { ...checked, warnings: [...duplicateKeyWarnings(doc), ...checked.warnings] };
}

/** Checks a parsed playbook; NoETL's forms are first rewritten into canonical ones (see noetl-forms.ts). */
export function validatePlaybook(input: unknown): ValidationResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return {
      ok: false,
      warnings: [],
      problems: [
        {
          path: '(root)',
          message: 'a playbook must be a mapping with apiVersion, kind, metadata and workflow',
        },
      ],
    };
  }
  const normalized = normalizeNoetlPlaybook(input);
  const { value, warnings } = normalized;
  const parsed = playbookSchema.safeParse(value);
  if (!parsed.success) {
    // Report structure problems and, where the workflow shape allows, graph problems as well.
    return {
      ok: false,
      warnings,
      problems: [
        ...normalized.problems,
        ...issuesToProblems(parsed.error),
        ...graphProblems(value as Partial<Playbook>, true),
      ],
    };
  }
  const problems = [...normalized.problems, ...graphProblems(parsed.data, false)];
  if (problems.length > 0) return { ok: false, problems, warnings };
  return { ok: true, playbook: parsed.data, warnings };
}

function checkTool(
  tool: unknown,
  path: ReadonlyArray<PropertyKey>,
  problems: Problem[],
  taskNames: Set<string>,
) {
  if (!tool || typeof tool !== 'object') return;
  const kind = (tool as { kind?: unknown }).kind;
  if (typeof kind !== 'string') return;
  if (!(TOOL_KINDS as readonly string[]).includes(kind)) {
    problems.push({
      path: formatPath([...path, 'kind']),
      message: `unknown tool kind "${kind}"; expected one of ${TOOL_KINDS.join(', ')}`,
    });
    return;
  }
  const result = TOOL_SCHEMAS[kind as ToolKind].safeParse(tool);
  if (!result.success) problems.push(...issuesToProblems(result.error, path));
  if (kind === 'workbook') {
    const name = (tool as { name?: unknown }).name;
    if (typeof name === 'string' && !taskNames.has(name)) {
      problems.push({
        path: formatPath([...path, 'name']),
        message: `workbook task "${name}" does not exist`,
      });
    }
  }
}

/** Graph and tool checks; `lenient` skips entries whose shape is already reported as broken. */
function graphProblems(playbook: Partial<Playbook>, lenient: boolean): Problem[] {
  const problems: Problem[] = [];
  const workflow = Array.isArray(playbook.workflow) ? playbook.workflow : [];
  const workbook = Array.isArray(playbook.workbook) ? playbook.workbook : [];
  const taskNames = new Set(
    workbook
      .map((t) => (t && typeof t === 'object' ? t.name : undefined))
      .filter((n): n is string => typeof n === 'string'),
  );
  workbook.forEach((task, i) => {
    if (
      task &&
      typeof task === 'object' &&
      task.tool &&
      (task.tool as { kind?: string }).kind === 'workbook'
    ) {
      problems.push({
        path: `workbook[${i}].tool.kind`,
        message: 'a workbook task cannot call another workbook task',
      });
    } else if (task && typeof task === 'object')
      checkTool(task.tool, ['workbook', i, 'tool'], problems, taskNames);
  });
  const names = new Map<string, number>();
  workflow.forEach((step, i) => {
    if (!step || typeof step !== 'object' || typeof step.step !== 'string') return;
    if (names.has(step.step)) {
      problems.push({
        path: `workflow[${i}].step`,
        message: `duplicate step name "${step.step}" (first at workflow[${names.get(step.step)}])`,
      });
    } else names.set(step.step, i);
  });
  if (Array.isArray(playbook.workflow) && !names.has('start')) {
    problems.push({ path: 'workflow', message: 'a step named "start" is required: execution begins there' });
  }
  const checkNext = (next: unknown, path: ReadonlyArray<PropertyKey>) => {
    let targets: Array<{ step: string }>;
    try {
      targets = nextTargets(next as never);
    } catch {
      return;
    }
    targets.forEach((t, j) => {
      if (!t || typeof t.step !== 'string') return;
      if (!names.has(t.step)) {
        const at =
          typeof next === 'string'
            ? path
            : Array.isArray(next) && typeof next[j] === 'object'
              ? [...path, j, 'step']
              : [...path, j];
        problems.push({ path: formatPath(at), message: `next step "${t.step}" does not exist` });
      }
    });
  };
  workflow.forEach((step, i) => {
    if (!step || typeof step !== 'object') return;
    if (step.next !== undefined && (!lenient || typeof step.next === 'string' || Array.isArray(step.next)))
      checkNext(step.next, ['workflow', i, 'next']);
    if (Array.isArray(step.case)) {
      step.case.forEach((c, j) => {
        if (!c || typeof c !== 'object' || !Array.isArray(c.then)) return;
        c.then.forEach((action, k) => {
          if (!action || typeof action !== 'object') return;
          if (action.next !== undefined)
            checkNext(action.next, ['workflow', i, 'case', j, 'then', k, 'next']);
          if (action.call && typeof action.call.step === 'string' && !names.has(action.call.step))
            problems.push({
              path: formatPath(['workflow', i, 'case', j, 'then', k, 'call', 'step']),
              message: `call step "${action.call.step}" does not exist`,
            });
          if (action.sink && action.sink.tool)
            checkTool(
              action.sink.tool,
              ['workflow', i, 'case', j, 'then', k, 'sink', 'tool'],
              problems,
              taskNames,
            );
        });
      });
    }
    checkTool(step.tool, ['workflow', i, 'tool'], problems, taskNames);
  });
  return problems;
}
