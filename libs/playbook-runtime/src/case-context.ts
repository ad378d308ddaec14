/** NoETL's event names a `case` is evaluated on (`noetl/core/dsl/v2/engine.py`, `handle_event`). */
export type CasePhase = 'call.done' | 'call.error' | 'step.exit' | 'loop.done';

type Dict = Record<string, unknown>;

/** What a failed call answers in NoETL: its tools return `{status: "error", error}`. */
export function errorAnswer(error: Error): { status: 'error'; error: string } {
  return { status: 'error', error: error.message };
}

/**
 * What a `case` sees: the step context plus NoETL's `event` (built by `eventOf` from the phase and its
 * payload), `result` and `response`, `error` (a failed call's message) and, after an http call, the
 * `status_code` the worker lifts to the top (`_evaluate_case_blocks_with_event`).
 */
export function caseContext(
  ctx: Dict,
  phase: CasePhase,
  result: unknown,
  callError: Error | undefined,
  eventOf: (phase: CasePhase, payload: Dict) => Dict,
): Dict {
  if (callError) {
    const response = errorAnswer(callError);
    const payload = {
      error: callError.message,
      response,
      ...(phase === 'step.exit' ? { result: response } : {}),
    };
    return { ...ctx, event: eventOf(phase, payload), result: response, response, error: callError.message };
  }
  const payload = phase === 'call.done' ? { response: result } : { result };
  const out: Dict = { ...ctx, event: eventOf(phase, payload), result, response: result };
  if (phase === 'call.done' && result && typeof result === 'object' && 'status_code' in result)
    out.status_code = (result as { status_code: unknown }).status_code;
  return out;
}

/** NoETL's `_process_vars_block`: a rendered string that holds JSON (an object or a list) is parsed. */
export function parseJsonStrings(values: Dict): Dict {
  const out: Dict = {};
  for (const [key, value] of Object.entries(values)) {
    out[key] = value;
    if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
      try {
        out[key] = JSON.parse(value);
      } catch {
        // not JSON: kept as text
      }
    }
  }
  return out;
}
