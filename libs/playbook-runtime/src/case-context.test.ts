import { describe, expect, it } from 'vitest';
import { caseContext, parseJsonStrings } from './case-context.js';

const eventOf = (name: string, payload: Record<string, unknown>) => ({ name, payload });

describe('case context (NoETL get_render_context + the worker case context)', () => {
  it('a call that answered: result and response, the event payload by phase, an http status_code lifted', () => {
    const done = caseContext({ a: 1 }, 'call.done', { status_code: 201 }, undefined, eventOf);
    expect(done).toEqual({
      a: 1,
      event: { name: 'call.done', payload: { response: { status_code: 201 } } },
      result: { status_code: 201 },
      response: { status_code: 201 },
      status_code: 201,
    });
    expect(caseContext({}, 'step.exit', 5, undefined, eventOf).event).toEqual({
      name: 'step.exit',
      payload: { result: 5 },
    });
  });

  it('a failed call: the error message and NoETL error answer', () => {
    const failed = caseContext({}, 'call.error', null, new Error('boom'), eventOf);
    expect(failed).toMatchObject({
      error: 'boom',
      response: { status: 'error', error: 'boom' },
      result: { status: 'error', error: 'boom' },
      event: { name: 'call.error', payload: { error: 'boom' } },
    });
  });

  it('parses rendered JSON strings of vars and keeps other text', () => {
    expect(parseJsonStrings({ a: '{"x": 1}', b: '[1, 2]', c: '{not json', d: 'text', e: 3 })).toEqual({
      a: { x: 1 },
      b: [1, 2],
      c: '{not json',
      d: 'text',
      e: 3,
    });
  });
});
