import { nextTargets, type Step } from '@switchyard/playbook-dsl';

/** The steps a step can lead to directly: its `next`, and the `next`/`call` targets of its cases. */
function successors(step: Step): string[] {
  const out = nextTargets(step.next).map((t) => t.step);
  for (const branch of step.case ?? [])
    for (const action of branch.then) {
      out.push(...nextTargets(action.next).map((t) => t.step));
      if (action.call) out.push(action.call.step);
    }
  return out;
}

/** For every step, the steps reachable from it by one or more transitions. */
export function reachability(steps: readonly Step[]): Map<string, Set<string>> {
  const direct = new Map(steps.map((s) => [s.step, successors(s)]));
  const reach = new Map<string, Set<string>>();
  for (const { step: from } of steps) {
    const seen = new Set<string>();
    const queue = [...(direct.get(from) ?? [])];
    while (queue.length > 0) {
      const name = queue.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      queue.push(...(direct.get(name) ?? []));
    }
    reach.set(from, seen);
  }
  return reach;
}
