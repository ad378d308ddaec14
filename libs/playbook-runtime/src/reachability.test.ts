import { describe, expect, it } from 'vitest';
import { validatePlaybookText } from '@switchyard/playbook-dsl';
import { reachability } from './reachability.js';

describe('reachability', () => {
  it('follows next, case next and call, through cycles', () => {
    const checked = validatePlaybookText(`
apiVersion: noetl.io/v2
kind: Playbook
metadata: { name: r, path: r }
workflow:
  - step: start
    next: [a, b]
  - step: a
    case:
      - when: "{{ true }}"
        then: [{ call: { step: c } }]
  - step: b
    next: join
  - step: c
    case:
      - when: "{{ true }}"
        then: { next: a }
    next: join
  - step: join
`);
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    const reach = reachability(checked.playbook.workflow);
    expect([...reach.get('start')!].sort()).toEqual(['a', 'b', 'c', 'join']);
    expect([...reach.get('a')!].sort()).toEqual(['a', 'c', 'join']);
    expect([...reach.get('b')!]).toEqual(['join']);
    expect(reach.get('join')!.size).toBe(0);
  });
});
