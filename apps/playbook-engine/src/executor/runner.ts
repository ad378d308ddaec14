import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@switchyard/service-kit';
import type { ExecutionStore, NewEvent } from '../storage/execution-store.js';
import { nextTargets, type Playbook, type Step, type ToolConfig } from '../dsl/schema.js';
import { TOOL_HANDLERS } from '../tools/registry.js';
import type { ToolRuntime } from '../tools/types.js';
import { Limiter } from './limiter.js';
import { evaluateCondition, renderString, renderValue, TemplateError } from './templates.js';

export interface RunnerExecution {
  executionId: string;
  path: string;
  args: Record<string, unknown>;
}

export interface RunnerDeps {
  store: ExecutionStore;
  runtime: ToolRuntime;
  logger: Logger;
  maxParallel: number;
}

type Target = { step: string; args?: Record<string, unknown> };

/** Raised when an execution stops because it was cancelled or another branch failed. */
class Stopped extends Error {}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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

  constructor(
    private readonly execution: RunnerExecution,
    private readonly playbook: Playbook,
    private readonly deps: RunnerDeps,
  ) {
    this.limiter = new Limiter(deps.maxParallel);
    for (const step of playbook.workflow) this.steps.set(step.step, step);
    this.workload = { ...(playbook.workload ?? {}), ...execution.args };
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops running steps; nothing more is written for this execution by this runner. */
  stop(reason: string): void {
    this.cancelled = true;
    if (!this.controller.signal.aborted) this.controller.abort(new Stopped(reason));
  }

  private async emit(event: NewEvent): Promise<boolean> {
    if (this.cancelled) return false;
    const written = await this.deps.store.append(this.execution.executionId, event);
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
        await this.emit({ type: 'playbook.failed', status: 'FAILED', error: this.failure.message });
        return;
      }
      const result = this.lastResult ?? null;
      if (!(await this.emit({ type: 'workflow.completed', status: 'RUNNING', result }))) return;
      await this.emit({ type: 'playbook.completed', status: 'COMPLETED', result });
    } catch (error) {
      // A storage failure while writing events: try once to record it.
      this.deps.logger.error(
        { err: error, executionId: this.execution.executionId },
        'execution runner failed',
      );
      if (!this.cancelled) {
        await this.deps.store
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
      const args = renderValue({ ...(step.args ?? {}), ...(target.args ?? {}) }, ctx) as Record<
        string,
        unknown
      >;
      ctx = { ...ctx, args };
      if (step.loop) result = await this.runLoop(step, ctx);
      else if (step.tool) result = await this.callWithRetry(step, step.tool, ctx);
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
        if (!evaluateCondition(branch.when, caseCtx)) continue;
        handled = true;
        const then = branch.then;
        if (then.set) Object.assign(this.vars, renderValue(then.set, caseCtx));
        if (then.result !== undefined) result = renderValue(then.result, caseCtx);
        if (then.fail !== undefined && then.fail !== false) {
          const reason =
            typeof then.fail === 'string'
              ? String(renderValue(then.fail, caseCtx))
              : `case at step "${name}" failed the execution`;
          throw new Error(reason);
        }
        if (then.next !== undefined) next = nextTargets(then.next);
        break;
      }
      if (callError && !handled) throw callError;
      caseCtx = { ...caseCtx, result, response: result };
      if (step.vars) Object.assign(this.vars, renderValue(step.vars, caseCtx));
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

  private async runLoop(step: Step, ctx: Record<string, unknown>): Promise<unknown[]> {
    const loop = step.loop!;
    const items = Array.isArray(loop.in) ? renderValue(loop.in, ctx) : renderString(loop.in, ctx);
    if (!Array.isArray(items)) {
      throw new Error(`loop.in must evaluate to a list, got ${items === null ? 'null' : typeof items}`);
    }
    const results: unknown[] = new Array(items.length).fill(null);
    const runItem = async (item: unknown, index: number) => {
      const itemCtx = { ...ctx, [loop.iterator]: item, loop_index: index, loop: { index, item } };
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
    const attempts = step.retry?.attempts ?? 1;
    const delayMs = (step.retry?.delay ?? 0) * 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.callTool(step, tool, ctx);
      } catch (error) {
        this.checkStopped();
        if (attempt >= attempts || error instanceof TemplateError) throw error;
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

  private timeoutMs(step: Step, ctx: Record<string, unknown>): number | undefined {
    if (step.timeout === undefined) return undefined;
    const value = Number(typeof step.timeout === 'string' ? renderString(step.timeout, ctx) : step.timeout);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`timeout must be a positive number of seconds, got "${step.timeout}"`);
    return value * 1000;
  }

  private async callTool(step: Step, tool: ToolConfig, ctx: Record<string, unknown>): Promise<unknown> {
    let kind = tool.kind;
    let rawTool: Record<string, unknown> = tool;
    let args = (ctx.args ?? {}) as Record<string, unknown>;
    if (kind === 'workbook') {
      const task = this.playbook.workbook?.find((t) => t.name === tool.name);
      if (!task) throw new Error(`workbook task "${String(tool.name)}" does not exist`);
      args = { ...args, ...(renderValue(tool.args ?? {}, ctx) as Record<string, unknown>) };
      ctx = { ...ctx, args };
      kind = task.tool.kind;
      rawTool = task.tool;
    }
    const handler = TOOL_HANDLERS[kind as keyof typeof TOOL_HANDLERS];
    if (!handler) throw new Error(`unknown tool kind "${kind}"`);
    const { kind: _kind, code, ...rest } = rawTool;
    const config = {
      ...(renderValue(rest, ctx) as Record<string, unknown>),
      ...(code !== undefined ? { code } : {}),
    };
    const pythonArgs = kind === 'python' ? { workload: this.workload, vars: this.vars, ...args } : args;
    const timeoutMs = this.timeoutMs(step, ctx);
    return this.limiter.run(async () => {
      this.checkStopped();
      const signals = [this.controller.signal];
      if (timeoutMs !== undefined) signals.push(AbortSignal.timeout(timeoutMs));
      const signal = AbortSignal.any(signals);
      const call = handler(
        { config, args: pythonArgs, step: step.step, executionId: this.execution.executionId, signal },
        this.deps.runtime,
      );
      let onAbort: (() => void) | undefined;
      const aborted = new Promise<never>((_resolve, reject) => {
        onAbort = () => {
          const reason: unknown = this.controller.signal.aborted ? this.controller.signal.reason : undefined;
          reject(
            reason instanceof Stopped
              ? reason
              : new Error(`step "${step.step}" timed out after ${(timeoutMs ?? 0) / 1000} s`),
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
