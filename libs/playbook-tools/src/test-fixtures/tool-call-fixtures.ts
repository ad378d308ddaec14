import { expect } from 'vitest';
import type { ToolCall } from '../tool-call.js';
import { ToolError } from '../tool-error.js';

/** A tool call for execution `exec-1` with no args and a fresh abort signal; `fields` set or override the rest. */
export function toolCall(fields: Pick<ToolCall, 'kind' | 'config' | 'step'> & Partial<ToolCall>): ToolCall {
  return { args: {}, executionId: 'exec-1', signal: new AbortController().signal, ...fields };
}

/** The ToolError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function toolFailure(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    return error as ToolError;
  }
  throw new Error('expected the tool call to fail');
}
