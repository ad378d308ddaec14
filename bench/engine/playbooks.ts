/**
 * The two playbooks the engine benchmark runs. Both are written so that the engine before the worker split
 * (nunjucks, in-process tools) and after it (Jinja2 helpers, workers over NATS) compute the same results.
 */

export interface BenchPlaybook {
  /** Short name used in the report. */
  name: string;
  path: string;
  yaml: string;
  /** Run arguments of the i-th execution. */
  args(i: number): Record<string, unknown>;
  /** A value that must appear in the results of execution i (checked once per engine before measuring). */
  expected(i: number): string;
}

/** Three steps, each rendering templates: expressions, filters, string building, a previous step's result. */
export const templatePlaybook: BenchPlaybook = {
  name: '3-step template',
  path: 'bench/templates_three_steps',
  yaml: `apiVersion: noetl.io/v2
kind: Playbook
metadata:
  name: bench_templates_three_steps
  path: bench/templates_three_steps
workload:
  n: 1
  user: { name: bench }
  tags: [a, b, c]
workflow:
  - step: start
    tool:
      kind: noop
      result:
        greeting: "Hello {{ workload.user.name }}, you have {{ workload.tags | length }} items"
    next: work
  - step: work
    tool:
      kind: noop
      result:
        doubled: "{{ workload.n * 2 }}"
        label: "run-{{ workload.n }}-{{ workload.tags | join('-') | upper }}"
    next: end
  - step: end
    tool:
      kind: noop
      result:
        summary: "{{ start.greeting }} / {{ work.label }} / {{ work.doubled + 1 }}"
`,
  args: (i) => ({ n: i }),
  expected: (i) => `Hello bench, you have 3 items / run-${i}-A-B-C / ${2 * i + 1}`,
};

/** start → a python step computing from its args → end. */
export const pythonPlaybook: BenchPlaybook = {
  name: 'python step',
  path: 'bench/python_step',
  yaml: `apiVersion: noetl.io/v2
kind: Playbook
metadata:
  name: bench_python_step
  path: bench/python_step
workload:
  n: 1
workflow:
  - step: start
    next: compute
  - step: compute
    args:
      n: "{{ workload.n }}"
    tool:
      kind: python
      code: |
        total = sum(i * i for i in range(int(n) + 100))
        result = {"n": int(n), "sum_of_squares": total, "tag": "py-%d" % int(n)}
    next: end
  - step: end
`,
  args: (i) => ({ n: i }),
  expected: (i) => `py-${i}`,
};
