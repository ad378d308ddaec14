import { setTimeout as sleep } from 'node:timers/promises';
import {
  nextTargets,
  type Playbook,
  type Step,
  type ThenAction,
  type ToolConfig,
} from '@switchyard/playbook-dsl';
import { caseContext, errorAnswer, parseJsonStrings, type CasePhase } from './case-context.js';
import { applyHttpOverrides } from './http-overrides.js';
import { Limiter } from './limiter.js';
import { collectPage, withCollected, type PageCollection } from './pagination.js';
import { withImports } from './python-imports.js';
import { reachability } from './reachability.js';
import type { EventLog, NewEvent, RunnerLimits, Templates, ToolInvoker } from './types.js';

export interface RunnerExecution {
  executionId: string;
  path: string;
  args: Record<string, unknown>;
}

export interface RunnerLogger {
  debug(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RunnerDeps {
  events: EventLog;
  templates: Templates;
  invoke: ToolInvoker;
  logger: RunnerLogger;
  limits: RunnerLimits;
}

type Target = {
  step: string;
  args?: Record<string, unknown>;
  /** The steps on the path that led here: reaching one of them again is a loop-back, and it runs again. */
  path?: ReadonlySet<string>;
  /** Runs even when the step ran before (`case.then` retry and call). */
  again?: boolean;
  /** The attempt a `case.then` retry is at (NoETL's `event.attempt`), from 1. */
  attempt?: number;
  delayMs?: number;
};

interface LoopAggregation {
  results: unknown[];
  stats: { total: number; success: number; failed: number };
}

const PAGINATION_KEYS = ['params', 'url', 'method', 'headers', 'body', 'data'] as const;
const DEFAULT_MAX_STEP_VISITS = 100;
const DEFAULT_MAX_PAGES = 100;

/** Raised when an execution stops because it was cancelled or another branch failed. */
class Stopped extends Error {}

/** A failure no retry can mend (a template or configuration error): the step fails at once. */
export class StepConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepConfigError';
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isPermanent(error: unknown): boolean {
  return (
    error instanceof StepConfigError ||
    (error instanceof Error && (error.name === 'TemplateError' || error.name === 'StepConfigError'))
  );
}

/**
 * Runs one execution of a playbook: steps from `start`, following `case`/`next`, branches and parallel
 * loops concurrently up to a limit. Every transition is appended to the event log first.
 */
export class ExecutionRunner {
  private readonly controller = new AbortController();
  private readonly limiter: Limiter;
  private readonly steps = new Map<string, Step>();
  private readonly results: Record<string, unknown> = {};
  private readonly vars: Record<string, unknown> = {};
  private readonly visits = new Map<string, number>();
  private readonly reach: Map<string, Set<string>>;
  /** Steps running now, by task. */
  private readonly running = new Map<object, string>();
  /** Join steps waiting for the branches that can still reach them. */
  private readonly pending = new Map<string, Target>();
  private readonly pages = new Map<string, PageCollection>();
  /** The result of the last step that ended a path of the workflow (NoETL's `final_step`). */
  private finalResult: unknown = null;
  private readonly tasks = new Set<Promise<void>>();
  private readonly workload: Record<string, unknown>;
  private lastResult: unknown = null;
  private failure: Error | undefined;
  private cancelled = false;
  private outcome: { status: 'COMPLETED' | 'FAILED'; result?: unknown; error?: string } | undefined;

  constructor(
    private readonly execution: RunnerExecution,
    private readonly playbook: Playbook,
    private readonly deps: RunnerDeps,
  ) {
    this.limiter = new Limiter(deps.limits.maxParallel);
    for (const step of playbook.workflow) this.steps.set(step.step, step);
    this.reach = reachability(playbook.workflow);
    this.workload = { ...(playbook.workload ?? {}), ...execution.args };
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** How the execution ended, with its result as computed (before any redaction of what is stored). */
  get result(): { status: 'COMPLETED' | 'FAILED'; result?: unknown; error?: string } | undefined {
    return this.outcome;
  }

  /** Stops running steps; nothing more is written for this execution by this runner. */
  stop(reason: string): void {
    this.cancelled = true;
    if (!this.controller.signal.aborted) this.controller.abort(new Stopped(reason));
  }

  private async emit(event: NewEvent): Promise<boolean> {
    if (this.cancelled) return false;
    const written = await this.deps.events.append(this.execution.executionId, event);
    if (!written) {
      // The execution ended elsewhere (cancelled): stop.
      this.stop('execution ended');
      return false;
    }
    return true;
  }

  async run(): Promise<void> {
    if (this.cancelled) return;
    try {
      if (!(await this.emit({ type: 'workflow.initialized', status: 'RUNNING' }))) return;
      this.schedule({ step: 'start' });
      while (this.tasks.size > 0) await Promise.all([...this.tasks]);
      if (this.cancelled) return;
      if (this.failure) {
        this.outcome = { status: 'FAILED', error: this.failure.message };
        await this.emit({ type: 'playbook.failed', status: 'FAILED', error: this.failure.message });
        return;
      }
      const result = this.finalResult ?? this.lastResult ?? null;
      this.outcome = { status: 'COMPLETED', result };
      if (!(await this.emit({ type: 'workflow.completed', status: 'RUNNING', result }))) return;
      await this.emit({ type: 'playbook.completed', status: 'COMPLETED', result });
    } catch (error) {
      // A storage failure while writing events: try once to record it.
      this.deps.logger.error(
        { err: error, executionId: this.execution.executionId },
        'execution runner failed',
      );
      this.outcome = { status: 'FAILED', error: `engine error: ${message(error)}` };
      if (!this.cancelled) {
        await this.deps.events
          .append(this.execution.executionId, {
            type: 'playbook.failed',
            status: 'FAILED',
            error: `engine error: ${message(error)}`,
          })
          .catch(() => undefined);
      }
    }
  }

  /**
   * Starts a step. Branches that converge on a step join: it waits while a running step can still reach it,
   * then runs once. Reached again from a step that came after it (a loop-back cycle), or by a `case.then`
   * retry or call, it runs again, at most `maxStepVisits` times.
   */
  private schedule(target: Target): void {
    if (this.failure || this.cancelled) return;
    const visits = this.visits.get(target.step) ?? 0;
    const rerun = target.again === true || target.path?.has(target.step) === true;
    if (!rerun) {
      if (visits > 0 || this.pending.has(target.step)) return;
      if ([...this.running.values()].some((step) => this.reach.get(step)?.has(target.step))) {
        this.pending.set(target.step, target);
        return;
      }
    }
    this.start(target, visits);
  }

  /** Starts the join steps no running step can reach any more. */
  private releasePending(): void {
    for (const [name, target] of [...this.pending]) {
      if ([...this.running.values()].some((step) => this.reach.get(step)?.has(name))) continue;
      this.pending.delete(name);
      if (!this.failure && !this.cancelled) this.start(target, this.visits.get(name) ?? 0);
    }
  }

  private start(target: Target, visits: number): void {
    const limit = this.deps.limits.maxStepVisits ?? DEFAULT_MAX_STEP_VISITS;
    if (visits >= limit) {
      this.failure = new Error(
        `step "${target.step}" was reached more than ${limit} times (ENGINE_MAX_STEP_VISITS): a cycle that does not end`,
      );
      this.controller.abort(new Stopped(this.failure.message));
      return;
    }
    this.visits.set(target.step, visits + 1);
    const path = new Set(target.path ?? []);
    path.add(target.step);
    const token = {};
    this.running.set(token, target.step);
    const task: Promise<void> = (async () => {
      if (target.delayMs)
        await sleep(target.delayMs, undefined, { signal: this.controller.signal }).catch(() => undefined);
      return this.runStep(target);
    })()
      .then((next) => {
        this.running.delete(token);
        for (const t of next) this.schedule({ ...t, path });
      })
      .catch((error: unknown) => {
        this.running.delete(token);
        if (error instanceof Stopped || this.cancelled) return;
        if (!this.failure) {
          this.failure = error instanceof Error ? error : new Error(String(error));
          // Other branches stop: the execution has failed.
          this.controller.abort(new Stopped(this.failure.message));
        }
      })
      .finally(() => {
        this.running.delete(token);
        this.releasePending();
        this.tasks.delete(task);
      });
    this.tasks.add(task);
  }

  /**
   * The template context, as NoETL's `ExecutionState.get_render_context` builds it: step results by name
   * over the variables (`set` values, then the workload and run args) at the top level, plus `workload`,
   * `vars`, `steps`, `execution_id` and `job`.
   */
  private context(extra: Record<string, unknown> = {}): Record<string, unknown> {
    const id = this.execution.executionId;
    return {
      ...this.workload,
      ...this.vars,
      ...this.results,
      steps: this.results,
      workload: this.workload,
      vars: this.vars,
      execution_id: id,
      job: { uuid: id, execution_id: id, id },
      ...extra,
    };
  }

  private eventOf(name: string, step: string, payload: Record<string, unknown> = {}, attempt = 1) {
    return {
      name,
      step,
      payload,
      attempt,
      execution_id: this.execution.executionId,
      path: this.execution.path,
    };
  }

  private checkStopped(): void {
    const reason: unknown = this.controller.signal.reason;
    if (this.controller.signal.aborted)
      throw reason instanceof Stopped ? reason : new Stopped(message(reason));
  }

  private async render<T>(value: unknown, ctx: Record<string, unknown>): Promise<T> {
    return (await this.deps.templates.renderValue(value, ctx)) as T;
  }

  private async runStep(target: Target): Promise<Target[]> {
    const name = target.step;
    const step = this.steps.get(name);
    if (!step) throw new Error(`step "${name}" does not exist`);
    const attempt = target.attempt ?? 1;
    this.checkStopped();
    if (!(await this.emit({ type: 'step.enter', step: name }))) throw new Stopped('execution ended');
    let ctx = this.context({ event: this.eventOf('step.enter', name, {}, attempt) });
    let result: unknown = null;
    let callError: Error | undefined;
    const calls = step.tool !== undefined || step.loop !== undefined;
    try {
      const rawArgs = { ...(step.args ?? {}), ...(target.args ?? {}) };
      if (step.loop) {
        result = await this.runLoop(step, ctx, rawArgs);
      } else {
        const args = await this.render<Record<string, unknown>>(rawArgs, ctx);
        ctx = { ...ctx, args };
        if (step.tool) result = await this.callWithRetry(step, step.tool, ctx);
      }
    } catch (error) {
      this.checkStopped();
      callError = error instanceof Error ? error : new Error(String(error));
    }
    if (step.tool && !step.loop) {
      try {
        await this.runSinks(step, ctx, result, callError, attempt);
      } catch (error) {
        this.checkStopped();
        callError ??= error instanceof Error ? error : new Error(String(error));
      }
    }
    this.checkStopped();
    if (calls) {
      const ok = await this.emit(
        callError
          ? { type: 'call.error', step: name, error: callError.message }
          : { type: 'call.done', step: name, result },
      );
      if (!ok) throw new Stopped('execution ended');
    }

    const targets: Target[] = [];
    let retrying = false;
    let caseCtx: Record<string, unknown> = ctx;
    try {
      const phases: CasePhase[] = step.loop
        ? ['loop.done', 'step.exit']
        : calls
          ? [callError ? 'call.error' : 'call.done', 'step.exit']
          : ['step.exit'];
      let matched: ThenAction[] | undefined;
      let phase: CasePhase = 'step.exit';
      for (const p of phases) {
        caseCtx = this.caseContext(ctx, name, p, result, callError, attempt);
        matched = await this.firstMatch(step, caseCtx);
        phase = p;
        if (matched) break;
      }
      let handled = false;
      for (const action of matched ?? []) {
        const outcome = await this.applyAction(step, action, caseCtx, { result, phase, attempt, callError });
        if (outcome.result !== undefined) {
          result = outcome.result.value;
          handled = true;
          caseCtx = { ...caseCtx, result, response: result };
        }
        if (outcome.retry) retrying = true;
        targets.push(...outcome.targets);
      }
      if (callError && targets.length === 0 && !handled) throw callError;
      // A handled failure leaves NoETL's error answer as the step's result (step.exit carries error_response).
      if (callError && !handled) result = errorAnswer(callError);
      if (!retrying) {
        const pages = this.pages.get(name);
        if (pages) {
          result = withCollected(result, pages);
          this.pages.delete(name);
        }
      }
      caseCtx = { ...caseCtx, result, response: result };
      if (step.vars)
        Object.assign(
          this.vars,
          parseJsonStrings(await this.render<Record<string, unknown>>(step.vars, caseCtx)),
        );
    } catch (error) {
      this.checkStopped();
      const failure = `step "${name}" failed: ${message(error)}`;
      await this.emit({ type: 'step.exit', step: name, error: failure });
      throw new Error(failure);
    }
    if (!retrying) {
      this.results[name] = result;
      if (result !== null && result !== undefined) this.lastResult = result;
    }
    if (!(await this.emit({ type: 'step.exit', step: name, result }))) throw new Stopped('execution ended');
    const next = targets.length > 0 ? targets : nextTargets(step.next);
    // A step that leads nowhere ends its path; NoETL reports that step's result as the workflow's.
    if (next.length === 0 && result !== null && result !== undefined) this.finalResult = result;
    return next;
  }

  private caseContext(
    ctx: Record<string, unknown>,
    step: string,
    phase: CasePhase,
    result: unknown,
    callError: Error | undefined,
    attempt: number,
  ): Record<string, unknown> {
    return caseContext(ctx, phase, result, callError, (name, payload) =>
      this.eventOf(name, step, payload, attempt),
    );
  }

  /** The first `case` whose `when` holds (NoETL: first match wins), or undefined. */
  private async firstMatch(step: Step, ctx: Record<string, unknown>): Promise<ThenAction[] | undefined> {
    for (const branch of step.case ?? []) if (await this.holds(branch.when, ctx)) return branch.then;
    return undefined;
  }

  /**
   * A `when`; one that fails to render (e.g. an attribute of something undefined) does not hold, as in NoETL's
   * `_evaluate_condition`. Syntax errors and exceeded budgets still fail the step.
   */
  private async holds(when: string | boolean, ctx: Record<string, unknown>): Promise<boolean> {
    try {
      return await this.deps.templates.evaluateCondition(when, ctx);
    } catch (error) {
      const code = (error as { name?: unknown; code?: unknown }).code;
      if ((error as Error).name === 'TemplateError' && code === 'TEMPLATE_ERROR') {
        this.deps.logger.debug(
          { executionId: this.execution.executionId, when, err: error },
          'case condition did not render; it does not hold',
        );
        return false;
      }
      throw error;
    }
  }

  /**
   * One `case.then` action, as NoETL's `_process_then_actions` reads it: next, set, result, fail,
   * collect, retry (pagination or plain), call. Sinks ran with the call (see runSinks).
   */
  private async applyAction(
    step: Step,
    action: ThenAction,
    ctx: Record<string, unknown>,
    at: { result: unknown; phase: CasePhase; attempt: number; callError: Error | undefined },
  ): Promise<{ targets: Target[]; result?: { value: unknown }; retry?: boolean }> {
    const targets: Target[] = [];
    let result: { value: unknown } | undefined;
    let retry = false;
    if (action.next !== undefined) {
      for (const t of nextTargets(action.next)) {
        const args = t.args ? await this.render<Record<string, unknown>>(t.args, ctx) : {};
        // NoETL hands a loop's aggregated result to the step after loop.done as `loop_results`.
        if (at.phase === 'loop.done' && !('loop_results' in args)) args.loop_results = at.result;
        targets.push({ step: t.step, args });
      }
    }
    if (action.set) Object.assign(this.vars, await this.render<Record<string, unknown>>(action.set, ctx));
    if (action.result !== undefined) {
      const spec = action.result;
      if (spec && typeof spec === 'object' && !Array.isArray(spec) && 'from' in spec) {
        const from = String((spec as { from: unknown }).from);
        if (from in this.vars) result = { value: this.vars[from] };
      } else result = { value: await this.render(spec, ctx) };
    }
    if (action.fail !== undefined && action.fail !== false) {
      const reason =
        typeof action.fail === 'string'
          ? String(await this.render(action.fail, ctx))
          : `case at step "${step.step}" failed the execution`;
      throw new Error(reason);
    }
    const maxPages = this.deps.limits.maxPaginationPages ?? DEFAULT_MAX_PAGES;
    if (action.collect) {
      const pages = this.pages.get(step.step) ?? { items: [], pages: 0 };
      this.pages.set(step.step, pages);
      collectPage(pages, action.collect, ctx.response);
    }
    if (action.retry) {
      const spec = action.retry;
      if (PAGINATION_KEYS.some((k) => spec[k] !== undefined)) {
        // A pagination retry: the step runs again with the new request parts as its args.
        if ((this.pages.get(step.step)?.pages ?? 0) < maxPages) {
          const overrides: Record<string, unknown> = {};
          for (const k of PAGINATION_KEYS) if (spec[k] !== undefined) overrides[k] = spec[k];
          const args = await this.render<Record<string, unknown>>(overrides, ctx);
          targets.push({ step: step.step, args, again: true, attempt: at.attempt + 1 });
          retry = true;
        }
      } else if (at.attempt < (spec.max_attempts ?? 3)) {
        const delay = (spec.delay ?? 0) * (spec.backoff === 'exponential' ? 2 ** (at.attempt - 1) : 1);
        const args = spec.args ? await this.render<Record<string, unknown>>(spec.args, ctx) : {};
        targets.push({
          step: step.step,
          args,
          again: true,
          attempt: at.attempt + 1,
          delayMs: Math.min(delay, 3600) * 1000,
        });
        retry = true;
      }
    }
    if (action.call) {
      const args = action.call.args ? await this.render<Record<string, unknown>>(action.call.args, ctx) : {};
      targets.push({ step: action.call.step, args, again: true });
    }
    return { targets, ...(result ? { result } : {}), ...(retry ? { retry } : {}) };
  }

  /**
   * Sinks run right after a call, as NoETL's worker runs them (`_execute_case_sinks`): the first `case`
   * that holds for the call (event `call.done` or `call.error`) and has a sink runs the sink's tool with
   * the response as `result`, `response`, `this` and `data`. A failing sink fails the step.
   */
  private async runSinks(
    step: Step,
    ctx: Record<string, unknown>,
    result: unknown,
    callError: Error | undefined,
    attempt: number,
  ): Promise<void> {
    if (!(step.case ?? []).some((c) => c.then.some((a) => a.sink))) return;
    const phase: CasePhase = callError ? 'call.error' : 'call.done';
    const caseCtx = this.caseContext(ctx, step.step, phase, result, callError, attempt);
    const actions = await this.firstMatch(step, caseCtx);
    for (const action of actions ?? []) {
      if (!action.sink) continue;
      const sinkCtx = { ...caseCtx, this: caseCtx.response, data: caseCtx.response };
      await this.callTool(step, action.sink.tool, sinkCtx, 1);
    }
  }

  /**
   * Runs a step's tool once per item; the iterator and index are visible to the step's args and tool. The
   * step's result is NoETL's loop aggregation (`ExecutionState.get_loop_aggregation`):
   * `{ results: [per item, in order], stats: { total, success, failed } }`.
   */
  private async runLoop(
    step: Step,
    ctx: Record<string, unknown>,
    rawArgs: Record<string, unknown>,
  ): Promise<LoopAggregation> {
    const loop = step.loop!;
    const items = await this.render(loop.in, ctx);
    if (!Array.isArray(items)) {
      throw new StepConfigError(
        `loop.in must evaluate to a list, got ${items === null ? 'null' : typeof items}`,
      );
    }
    if (items.length > this.deps.limits.maxLoopItems) {
      throw new StepConfigError(
        `loop over ${items.length} items exceeds the limit of ${this.deps.limits.maxLoopItems} (ENGINE_MAX_LOOP_ITEMS)`,
      );
    }
    const results: unknown[] = new Array(items.length).fill(null);
    const runItem = async (item: unknown, index: number) => {
      const loopCtx = {
        ...ctx,
        [loop.iterator]: item,
        loop_index: index,
        loop: { index, item, first: index === 0, length: items.length, done: false },
      };
      const args = await this.render<Record<string, unknown>>(rawArgs, loopCtx);
      const itemCtx = { ...loopCtx, args };
      const value = step.tool ? await this.callWithRetry(step, step.tool, itemCtx) : item;
      if (step.tool) await this.runSinks(step, itemCtx, value, undefined, 1);
      results[index] = value;
      if (
        !(await this.emit({ type: 'loop.item', step: step.step, result: { index, item, result: value } }))
      ) {
        throw new Stopped('execution ended');
      }
    };
    if (loop.mode === 'parallel') {
      const settled = await Promise.allSettled(items.map((item, i) => runItem(item, i)));
      const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (rejected) throw rejected.reason;
    } else {
      for (let i = 0; i < items.length; i++) await runItem(items[i], i);
    }
    const aggregation: LoopAggregation = {
      results,
      stats: { total: results.length, success: results.length, failed: 0 },
    };
    if (!(await this.emit({ type: 'loop.done', step: step.step, result: aggregation })))
      throw new Stopped('execution ended');
    return aggregation;
  }

  private async callWithRetry(step: Step, tool: ToolConfig, ctx: Record<string, unknown>): Promise<unknown> {
    const attempts = Math.min(step.retry?.attempts ?? 1, this.deps.limits.maxRetryAttempts);
    const delayMs = (step.retry?.delay ?? 0) * 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.callTool(step, tool, ctx, attempt);
      } catch (error) {
        this.checkStopped();
        if (attempt >= attempts || isPermanent(error)) throw error;
        this.deps.logger.debug(
          { executionId: this.execution.executionId, step: step.step, attempt, err: error },
          'step call failed; retrying',
        );
        if (delayMs > 0)
          await sleep(delayMs, undefined, { signal: this.controller.signal }).catch(() => undefined);
        this.checkStopped();
      }
    }
  }

  private async timeoutMs(step: Step, ctx: Record<string, unknown>): Promise<number> {
    const limit = this.deps.limits.stepTimeoutMs;
    if (step.timeout === undefined) return limit;
    const rendered = typeof step.timeout === 'string' ? await this.render(step.timeout, ctx) : step.timeout;
    const value = Number(rendered);
    if (!Number.isFinite(value) || value <= 0)
      throw new StepConfigError(`timeout must be a positive number of seconds, got "${step.timeout}"`);
    return Math.min(value * 1000, limit);
  }

  private async callTool(
    step: Step,
    tool: ToolConfig,
    ctx: Record<string, unknown>,
    attempt: number,
  ): Promise<unknown> {
    let kind = tool.kind;
    let rawTool: Record<string, unknown> = tool;
    let args = (ctx.args ?? {}) as Record<string, unknown>;
    if (kind === 'workbook') {
      const task = this.playbook.workbook?.find((t) => t.name === tool.name);
      if (!task) throw new StepConfigError(`workbook task "${String(tool.name)}" does not exist`);
      args = { ...args, ...(await this.render<Record<string, unknown>>(tool.args ?? {}, ctx)) };
      ctx = { ...ctx, args };
      kind = task.tool.kind;
      rawTool = task.tool;
    }
    const { kind: _kind, code, libs, ...rest } = rawTool;
    if (rest.args !== undefined && kind !== 'playbook' && kind !== 'workbook') {
      // NoETL's worker merges the tool's `args` under the step's: `{**tool_config.args, **args}`.
      const toolArgs = await this.render<Record<string, unknown>>(rest.args, ctx);
      delete rest.args;
      args = { ...toolArgs, ...args };
    }
    let config: Record<string, unknown> = {
      ...(await this.render<Record<string, unknown>>(rest, ctx)),
      ...(typeof code === 'string' ? { code: withImports(code, libs) } : {}),
    };
    if (kind === 'http') config = applyHttpOverrides(config, args);
    let callArgs = args;
    if (kind === 'python') {
      callArgs = {
        workload: this.workload,
        vars: this.vars,
        execution_id: this.execution.executionId,
        ...args,
      };
      // NoETL injects `data` from the context when the args lack it (a sink's response, or a `data` variable).
      if (!('data' in args)) {
        const data = ctx.data !== undefined ? ctx.data : ctx.result;
        if (data !== undefined) callArgs.data = data;
      }
    }
    const timeoutMs = await this.timeoutMs(step, ctx);
    return this.limiter.run(async () => {
      this.checkStopped();
      const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(timeoutMs)]);
      const call = this.deps.invoke({
        kind,
        config,
        args: callArgs,
        step: step.step,
        executionId: this.execution.executionId,
        path: this.execution.path,
        attempt,
        timeoutMs,
        signal,
      });
      let onAbort: (() => void) | undefined;
      const aborted = new Promise<never>((_resolve, reject) => {
        onAbort = () => {
          const reason: unknown = this.controller.signal.aborted ? this.controller.signal.reason : undefined;
          reject(
            reason instanceof Stopped
              ? reason
              : new Error(`step "${step.step}" timed out after ${timeoutMs / 1000} s`),
          );
        };
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        return await Promise.race([call, aborted]);
      } finally {
        if (onAbort) signal.removeEventListener('abort', onAbort);
        call.catch(() => undefined);
        aborted.catch(() => undefined);
      }
    });
  }
}
