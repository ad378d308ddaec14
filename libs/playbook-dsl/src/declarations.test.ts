import { describe, expect, it } from 'vitest';
import { outlinePlaybook } from './declarations.js';

describe('outlinePlaybook', () => {
  it("finds nested playbook calls written in NoETL's forms (payload, workbook task)", () => {
    const outline = outlinePlaybook(`
apiVersion: noetl.io/v2
kind: Playbook
metadata: { name: o, path: t/o, input: { parameters: { type: object } } }
workload: { a: 1 }
workbook:
  - name: sub
    tool: { kind: playbook, path: t/sub, payload: { x: 1 } }
workflow:
  - step: start
    tool: { kind: playbook, path: t/child, version: latest, payload: { y: 2 } }
    next: via
  - step: via
    tool: { kind: workbook, task: sub }
`);
    expect(outline.calls).toEqual([
      { step: 'start', path: 't/child', args: { y: 2 } },
      { step: 'via(sub)', path: 't/sub', args: { x: 1 } },
    ]);
    expect(outline.workload).toEqual({ a: 1 });
    expect(outline.parameters).toEqual({ type: 'object' });
  });
});
