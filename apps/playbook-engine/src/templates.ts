import type { Playbook } from '@switchyard/playbook-dsl';
import type { Problem } from '@switchyard/engine-client';
import { TemplateEngine } from '@switchyard/playbook-templates';
import type { EngineConfig } from './config.js';

/** Starts the sandboxed Jinja2 template engine the runner renders with (see docs/templates.md). */
export function startTemplates(
  config: Pick<
    EngineConfig,
    'TEMPLATE_HELPERS' | 'TEMPLATE_TIMEOUT_MS' | 'TEMPLATE_MAX_OUTPUT_BYTES' | 'TEMPLATE_MEMORY_BYTES'
  >,
): Promise<TemplateEngine> {
  return TemplateEngine.start({
    poolSize: config.TEMPLATE_HELPERS,
    timeoutMs: config.TEMPLATE_TIMEOUT_MS,
    maxOutputBytes: config.TEMPLATE_MAX_OUTPUT_BYTES,
    memoryLimitBytes: config.TEMPLATE_MEMORY_BYTES,
  });
}

interface Located {
  path: string;
  text: string;
}

function collectStrings(value: unknown, path: string, out: Located[], depth = 0): void {
  if (depth > 64) return;
  if (typeof value === 'string') out.push({ path, text: value });
  else if (Array.isArray(value)) value.forEach((v, i) => collectStrings(v, `${path}[${i}]`, out, depth + 1));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) collectStrings(v, path ? `${path}.${k}` : k, out, depth + 1);
  }
}

/**
 * Template syntax problems of a playbook, each naming the step and field (e.g. an unclosed `{{`), so that a broken
 * template is refused at registration instead of failing at run time. Python code is not a template.
 */
export async function templateProblems(templates: TemplateEngine, playbook: Playbook): Promise<Problem[]> {
  const templatesAt: Located[] = [];
  const conditionsAt: Located[] = [];
  collectStrings(playbook.workload ?? {}, 'workload', templatesAt);
  playbook.workflow.forEach((step, i) => {
    const at = `workflow[${i}] (step "${step.step}")`;
    collectStrings(step.args ?? {}, `${at}.args`, templatesAt);
    collectStrings(step.vars ?? {}, `${at}.vars`, templatesAt);
    if (step.tool) {
      const { code: _code, ...tool } = step.tool as Record<string, unknown>;
      collectStrings(tool, `${at}.tool`, templatesAt);
    }
    if (step.loop) collectStrings(step.loop.in, `${at}.loop.in`, templatesAt);
    if (typeof step.timeout === 'string') templatesAt.push({ path: `${at}.timeout`, text: step.timeout });
    (step.case ?? []).forEach((c, j) => {
      if (typeof c.when === 'string') conditionsAt.push({ path: `${at}.case[${j}].when`, text: c.when });
      collectStrings(c.then, `${at}.case[${j}].then`, templatesAt);
    });
  });
  (playbook.workbook ?? []).forEach((task, i) => {
    const { code: _code, ...tool } = task.tool as Record<string, unknown>;
    collectStrings(tool, `workbook[${i}] (task "${task.name}").tool`, templatesAt);
  });
  const [plain, conditions] = await Promise.all([
    templates.validate(
      templatesAt.map((l) => l.text),
      'template',
    ),
    templates.validate(
      conditionsAt.map((l) => l.text),
      'condition',
    ),
  ]);
  return [
    ...plain.map((p) => ({ path: templatesAt[p.index]!.path, message: p.message })),
    ...conditions.map((p) => ({ path: conditionsAt[p.index]!.path, message: p.message })),
  ];
}
