import { setTimeout as sleep } from 'node:timers/promises';
import { nextTargets, type Playbook, type Step, type ToolConfig } from '@switchyard/playbook-dsl';
import { Limiter } from './limiter.js';
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

type Target = { step: string; args?: Record<string, unknown> };

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
  private readonly started = new Set<string>();
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
      const result = this.lastResult ?? null;
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

  /** Starts a step once per execution; a step reached again by another branch is not run twice. */
  private schedule(target: Target): void {
    if (this.failure || this.cancelled || this.started.has(target.step)) return;
    this.started.add(target.step);
    const task: Promise<void> = this.runStep(target)
      .then((next) => {
        for (const t of next) this.schedule(t);
      })
      .catch((error: unknown) => {
        if (error instanceof Stopped || this.cancelled) return;
        if (!this.failure) {
          this.failure = error instanceof Error ? error : new Error(String(error));
          // Other branches stop: the execution has failed.
          this.controller.abort(new Stopped(this.failure.message));
        }
      })
      .finally(() => {
        this.tasks.delete(task);
      });
    this.tasks.add(task);
  }

  private context(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      ...this.results,
      steps: this.results,
      workload: this.workload,
      vars: this.vars,
      execution_id: this.execution.executionId,
      ...extra,
    };
  }

  private checkStopped(): void {
    const reason: unknown = this.controller.signal.reason;
    if (this.controller.signal.aborted)
      throw reason instanceof Stopped ? reason : new Stopped(message(reason));
  }

  /**
   * A `case.when`. After a failed call there is no response: a condition that cannot be evaluated then (it reads
   * `response.status_code`, say) does not match, and the call's own error decides the step.
   */
  private async condition(
    when: string | boolean,
    ctx: Record<string, unknown>,
    callError: Error | undefined,
  ): Promise<boolean> {
    try {
      return await this.deps.templates.evaluateCondition(when, ctx);
    } catch (error) {
      if (callError && error instanceof Error && error.name === 'TemplateError') return false;
      throw error;
    }
  }

  private async render<T>(value: unknown, ctx: Record<string, unknown>): Promise<T> {
    return (await this.deps.templates.renderValue(value, ctx)) as T;
  }

  private async runStep(target: Target): Promise<Target[]> {
    const name = target.step;
    const step = this.steps.get(name);
    if (!step) throw new Error(`step "${name}" does not exist`);
    this.checkStopped();
    if (!(await this.emit({ type: 'step.enter', step: name }))) throw new Stopped('execution ended');
    const event = { execution_id: this.execution.executionId, step: name, path: this.execution.path };
    let ctx = this.context({ event });
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
    this.checkStopped();
    if (calls) {
      const ok = await this.emit(
        callError
          ? { type: 'call.error', step: name, error: callError.message }
          : { type: 'call.done', step: name, result },
      );
      if (!ok) throw new Stopped('execution ended');
    }

    let caseCtx: Record<string, unknown> = { ...ctx, result, response: result, error: callError?.message };
    let next: Target[] | undefined;
    let handled = false;
    try {
      for (const branch of step.case ?? []) {
        if (!(await this.condition(branch.when, caseCtx, callError))) continue;
        handled = true;
        const then = branch.then;
        if (then.set) Object.assign(this.vars, await this.render<Record<string, unknown>>(then.set, caseCtx));
        if (then.result !== undefined) result = await this.render(then.result, caseCtx);
        if (then.fail !== undefined && then.fail !== false) {
          const reason =
            typeof then.fail === 'string'
              ? String(await this.render(then.fail, caseCtx))
              : `case at step "${name}" failed the execution`;
          throw new Error(reason);
        }
        if (then.next !== undefined) next = nextTargets(then.next);
        break;
      }
      if (callError && !handled) throw callError;
      caseCtx = { ...caseCtx, result, response: result };
      if (step.vars) Object.assign(this.vars, await this.render<Record<string, unknown>>(step.vars, caseCtx));
    } catch (error) {
      this.checkStopped();
      const failure = `step "${name}" failed: ${message(error)}`;
      await this.emit({ type: 'step.exit', step: name, error: failure });
      throw new Error(failure);
    }
    this.results[name] = result;
    if (result !== null && result !== undefined) this.lastResult = result;
    if (!(await this.emit({ type: 'step.exit', step: name, result }))) throw new Stopped('execution ended');
    return next ?? nextTargets(step.next);
  }

  /** Runs a step's tool once per item; the iterator and index are visible to the step's args and tool. */
  private async runLoop(
    step: Step,
    ctx: Record<string, unknown>,
    rawArgs: Record<string, unknown>,
  ): Promise<unknown[]> {
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
      const loopCtx = { ...ctx, [loop.iterator]: item, loop_index: index, loop: { index, item } };
      const args = await this.render<Record<string, unknown>>(rawArgs, loopCtx);
      const itemCtx = { ...loopCtx, args };
      const value = step.tool ? await this.callWithRetry(step, step.tool, itemCtx) : item;
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
    if (!(await this.emit({ type: 'loop.done', step: step.step, result: results })))
      throw new Stopped('execution ended');
    return results;
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
    const { kind: _kind, code, ...rest } = rawTool;
    const config = {
      ...(await this.render<Record<string, unknown>>(rest, ctx)),
      ...(code !== undefined ? { code } : {}),
    };
    const callArgs = kind === 'python' ? { workload: this.workload, vars: this.vars, ...args } : args;
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
