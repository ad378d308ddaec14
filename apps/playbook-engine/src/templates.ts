import type { Templates } from '@switchyard/playbook-runtime';
import { evaluateCondition, renderValue } from './executor/templates.js';

/** The template engine the runner renders with. */
export async function startTemplates(): Promise<Templates & { close(): Promise<void> }> {
  return {
    renderValue: async (value, context) => renderValue(value, context),
    evaluateCondition: async (when, context) => evaluateCondition(when, context),
    close: async () => undefined,
  };
}
