import { randomUUID } from 'node:crypto';
import type { Action, ActionPhase, TypeInstanceRef, UserInfo } from '@switchyard/engine-client';
import type { ExecutionRecord as ExecutionSummary } from '../storage/records.js';
import type { ExecutionEvent } from '@switchyard/execution-events';
import { isTerminalStatus } from '@switchyard/execution-events';
import type { Logger } from '@switchyard/service-kit';
import type { ActionInternal, ActionStore, StoredAction } from './action-store.js';
import { outlinePlaybook } from '@switchyard/playbook-dsl';
import type { ActionRenderer, RenderCatalog } from './renderer.js';
import { RenderError } from './renderer.js';

/** What Actions need from the engine to run executions. */
export interface ExecutionBackend {
  start(input: {
    path: string;
    version: number;
    args: Record<string, unknown>;
    createdBy?: string | null;
  }): Promise<{ execution_id: string; status: string }>;
  cancel(executionId: string, reason: string, cascade: boolean): Promise<unknown>;
  /** Resolves when the execution has ended in this process (or at once when another process runs it). */
  settle(executionId: string): Promise<ExecutionSummary>;
}

export interface ExecutionReader {
  get(executionId: string): Promise<ExecutionSummary | undefined>;
  getMany(executionIds: string[]): Promise<ExecutionSummary[]>;
  events(executionId: string): Promise<ExecutionEvent[]>;
}

export interface ActionInputs {
  actionRef: { path: string; revision?: string | null };
  input?: { parameters?: Record<string, unknown> | null; typeInstances?: TypeInstanceRef[] | null } | null;
  dryRun?: boolean | null;
  advancedRendering?: boolean | null;
  user?: UserInfo | null;
  /** User id of the session that creates the Action; its runs and outputs are recorded as theirs. */
  createdBy?: string | null;
}

const RUN_LIKE: ActionPhase[] = ['RUNNING', 'BEING_CANCELED'];
const EDITABLE: ActionPhase[] = ['READY_TO_RUN', 'ADVANCED_MODE_RENDERING_ITERATION', 'FAILED'];

function refuse(action: Action, what: string, allowed: ActionPhase[]): string | undefined {
  if (allowed.includes(action.status.phase)) return undefined;
  return `cannot ${what} Action ${action.name} in phase ${action.status.phase} (allowed from ${allowed.join(', ')})`;
}

function withPhase(
  stored: StoredAction,
  phase: ActionPhase,
  changes: Partial<Action> = {},
  message: string | null = null,
  status: Partial<Action['status']> = {},
): StoredAction {
  return {
    internal: stored.internal,
    action: { ...stored.action, ...changes, status: { ...stored.action.status, ...status, phase, message } },
  };
}

/**
 * The Action lifecycle: create → render (→ advanced iterations) → READY_TO_RUN → run → SUCCEEDED / FAILED,
 * cancel → BEING_CANCELED → CANCELED. Every refused transition throws InvalidActionStateError and changes nothing.
 */
export class ActionService {
  private readonly rendering = new Set<Promise<void>>();
  private reconcileTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly deps: {
      store: ActionStore;
      renderer: ActionRenderer;
      catalog: RenderCatalog;
      engine: ExecutionBackend;
      executions: ExecutionReader;
      logger: Logger;
    },
  ) {}

  get(name: string) {
    return this.deps.store.get(name);
  }

  async create(name: string, inputs: ActionInputs): Promise<Action> {
    const now = new Date().toISOString();
    const action: Action = {
      name,
      uid: randomUUID(),
      createdAt: now,
      ...this.fromInputs(inputs),
      output: { typeInstances: [] },
      run: false,
      cancel: false,
      renderedAction: null,
      status: {
        phase: 'INITIAL',
        timestamp: now,
        message: null,
        runner: null,
        createdBy: inputs.user ?? null,
        runBy: null,
        canceledBy: null,
      },
      statusSeq: 1,
      created_by: inputs.createdBy ?? null,
    };
    const internal: ActionInternal = { generation: 1, iteration: 0, nodeKey: null, supplied: {} };
    await this.deps.store.insert(action, internal);
    this.scheduleRender(name, internal.generation);
    return action;
  }

  private fromInputs(
    inputs: ActionInputs,
  ): Pick<Action, 'input' | 'actionRef' | 'dryRun' | 'renderingAdvancedMode'> {
    return {
      input: {
        parameters: inputs.input?.parameters ?? null,
        typeInstances: inputs.input?.typeInstances ?? [],
      },
      actionRef: { path: inputs.actionRef.path, revision: inputs.actionRef.revision ?? null },
      dryRun: inputs.dryRun ?? false,
      renderingAdvancedMode: {
        enabled: inputs.advancedRendering ?? false,
        typeInstancesForRenderingIteration: [],
      },
    };
  }

  /** Replaces an Action's input and renders it again; refused once it ran. */
  async update(name: string, inputs: ActionInputs): Promise<Action> {
    let generation = 0;
    const action = await this.deps.store.change(
      name,
      (s) =>
        s.action.run
          ? `cannot update Action ${name}: it already ran (phase ${s.action.status.phase})`
          : refuse(s.action, 'update', EDITABLE),
      (s) => {
        generation = s.internal.generation + 1;
        return {
          internal: { generation, iteration: 0, nodeKey: null, supplied: {} },
          action: {
            ...s.action,
            ...this.fromInputs(inputs),
            renderedAction: null,
            status: { ...s.action.status, phase: 'INITIAL', message: 'input updated' },
          },
        };
      },
    );
    this.scheduleRender(name, generation);
    return action;
  }

  private scheduleRender(name: string, generation: number): void {
    const job = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.render(name, generation))
      .catch((error: unknown) =>
        this.deps.logger.error({ err: error, action: name }, 'rendering an Action failed'),
      )
      .finally(() => this.rendering.delete(job));
    this.rendering.add(job);
  }

  /** INITIAL → BEING_RENDERED → READY_TO_RUN / ADVANCED_MODE_RENDERING_ITERATION / FAILED. */
  private async render(name: string, generation: number): Promise<void> {
    if (this.stopped) return;
    const sameRender = (s: StoredAction) =>
      s.internal.generation === generation ? undefined : `Action ${name} changed while it was rendered`;
    try {
      await this.deps.store.change(
        name,
        (s) => sameRender(s) ?? refuse(s.action, 'render', ['INITIAL', 'BEING_RENDERED']),
        (s) => withPhase(s, 'BEING_RENDERED'),
      );
    } catch {
      return; // deleted or changed meanwhile: the newer state owns rendering
    }
    await this.renderStep(name, sameRender);
  }

  private async renderStep(
    name: string,
    sameRender: (s: StoredAction) => string | undefined,
  ): Promise<Action> {
    const stored = await this.deps.store.get(name);
    if (!stored) throw new Error(`Action ${name} disappeared`);
    const { action, internal } = stored;
    let outcome;
    try {
      outcome = await this.deps.renderer.render({
        path: action.actionRef.path,
        ...(action.actionRef.revision ? { revision: Number(action.actionRef.revision) } : {}),
        parameters: action.input.parameters ?? {},
        typeInstances: action.input.typeInstances,
        advanced: action.renderingAdvancedMode.enabled,
        supplied: internal.supplied,
        iteration: internal.iteration,
      });
    } catch (error) {
      const message =
        error instanceof RenderError ? error.message : `rendering failed: ${(error as Error).message}`;
      return this.deps.store.change(
        name,
        (s) => sameRender(s) ?? refuse(s.action, 'finish rendering', ['BEING_RENDERED']),
        (s) => withPhase(s, 'FAILED', {}, message),
      );
    }
    return this.deps.store.change(
      name,
      (s) => sameRender(s) ?? refuse(s.action, 'finish rendering', ['BEING_RENDERED']),
      (s) => {
        if (outcome.kind === 'iteration') {
          const next = withPhase(
            s,
            'ADVANCED_MODE_RENDERING_ITERATION',
            {
              renderedAction: outcome.tree,
              renderingAdvancedMode: { enabled: true, typeInstancesForRenderingIteration: outcome.offered },
            },
            `choose optional TypeInstances for ${outcome.offered[0]?.playbookPath ?? 'the next playbook'}`,
          );
          return { ...next, internal: { ...s.internal, nodeKey: outcome.nodeKey } };
        }
        return withPhase(
          s,
          'READY_TO_RUN',
          {
            renderedAction: outcome.tree,
            renderingAdvancedMode: {
              ...s.action.renderingAdvancedMode,
              typeInstancesForRenderingIteration: [],
            },
          },
          s.action.dryRun ? 'rendered (dry run: it will not run)' : 'rendered',
        );
      },
    );
  }

  /** Answers an advanced rendering iteration with some (or none) of the offered TypeInstances. */
  async continueRendering(name: string, typeInstances: TypeInstanceRef[]): Promise<Action> {
    let generation = 0;
    await this.deps.store.change(
      name,
      (s) => {
        const refusal = refuse(s.action, 'continue advanced rendering of', [
          'ADVANCED_MODE_RENDERING_ITERATION',
        ]);
        if (refusal) return refusal;
        const offered = new Set(
          s.action.renderingAdvancedMode.typeInstancesForRenderingIteration.map((t) => t.name),
        );
        const unknown = typeInstances.filter((t) => !offered.has(t.name)).map((t) => t.name);
        // A bad answer is the caller's mistake, not a state problem: reported separately below.
        if (unknown.length) throw new UnknownTypeInstanceInputError(unknown, [...offered]);
        return undefined;
      },
      (s) => {
        generation = s.internal.generation;
        const key = s.internal.nodeKey ?? 'root';
        return withPhase(
          {
            action: s.action,
            internal: {
              ...s.internal,
              iteration: s.internal.iteration + 1,
              nodeKey: null,
              supplied: { ...s.internal.supplied, [key]: typeInstances },
            },
          },
          'BEING_RENDERED',
          {
            renderingAdvancedMode: {
              ...s.action.renderingAdvancedMode,
              typeInstancesForRenderingIteration: [],
            },
          },
        );
      },
    );
    return this.renderStep(name, (s) =>
      s.internal.generation === generation ? undefined : `Action ${name} changed while it was rendered`,
    );
  }

  /** READY_TO_RUN → RUNNING, once; the phase then follows the execution. */
  async run(name: string, user: UserInfo | null): Promise<Action> {
    const claimed = await this.deps.store.change(
      name,
      (s) => {
        if (s.action.dryRun && s.action.status.phase === 'READY_TO_RUN')
          return `cannot run Action ${name}: it is a dry run (phase READY_TO_RUN)`;
        if (s.action.run)
          return `cannot run Action ${name} again: it already ran (phase ${s.action.status.phase})`;
        return refuse(s.action, 'run', ['READY_TO_RUN']);
      },
      (s) => ({ ...s, action: { ...s.action, run: true, status: { ...s.action.status, runBy: user } } }),
    );
    const args = await this.runArgs(claimed);
    let started;
    try {
      started = await this.deps.engine.start({
        path: claimed.renderedAction!.path,
        version: Number(claimed.renderedAction!.revision),
        args,
        createdBy: claimed.created_by ?? null,
      });
    } catch (error) {
      return this.deps.store.change(
        name,
        () => undefined,
        (s) => withPhase(s, 'FAILED', {}, `the execution could not start: ${(error as Error).message}`),
      );
    }
    const running = await this.deps.store.change(
      name,
      (s) => refuse(s.action, 'start', ['READY_TO_RUN']),
      (s) =>
        withPhase(s, 'RUNNING', {}, `execution ${started.execution_id} started`, {
          runner: { status: { executionId: started.execution_id, executionStatus: started.status } },
        }),
    );
    void this.deps.engine
      .settle(started.execution_id)
      .then(() => this.follow(name))
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, action: name }, 'following an execution failed'),
      );
    return running;
  }

  /** Parameters plus every chosen TypeInstance (by name) as the execution's args. */
  private async runArgs(action: Action): Promise<Record<string, unknown>> {
    const chosen = new Map<string, TypeInstanceRef>();
    const visit = (node: NonNullable<Action['renderedAction']>) => {
      for (const ref of node.typeInstances) if (!chosen.has(ref.name)) chosen.set(ref.name, ref);
      node.children.forEach(visit);
    };
    if (action.renderedAction) visit(action.renderedAction);
    const typeInstances: Record<string, unknown> = {};
    for (const ref of chosen.values()) {
      const instance = await this.deps.store.typeInstance(ref.id);
      if (instance)
        typeInstances[ref.name] = { id: instance.id, typeRef: instance.typeRef, value: instance.value };
    }
    return { ...(action.input.parameters ?? {}), ...(chosen.size ? { typeInstances } : {}) };
  }

  /** RUNNING → BEING_CANCELED, cancels the execution and its children, → CANCELED. */
  async cancel(name: string, user: UserInfo | null): Promise<Action> {
    const canceling = await this.deps.store.change(
      name,
      (s) => refuse(s.action, 'cancel', ['RUNNING']),
      (s) =>
        withPhase(
          s,
          'BEING_CANCELED',
          { cancel: true },
          'cancelling the execution and its child executions',
          {
            canceledBy: user,
          },
        ),
    );
    const executionId = canceling.status.runner?.status.executionId;
    if (executionId) {
      try {
        await this.deps.engine.cancel(executionId, `Action ${name} cancelled`, true);
      } catch (error) {
        // The Action stays BEING_CANCELED; the periodic check finishes it once the execution has ended.
        this.deps.logger.warn({ err: error, action: name, executionId }, 'cancelling the execution failed');
      }
      await this.follow(name);
    }
    return (await this.deps.store.get(name))?.action ?? canceling;
  }

  /** Deletes an Action; refused while it runs or is being cancelled. */
  async delete(name: string): Promise<Action> {
    return this.deps.store.delete(name, (s) =>
      RUN_LIKE.includes(s.action.status.phase)
        ? `cannot delete Action ${name} in phase ${s.action.status.phase}: cancel it or wait until it ends`
        : undefined,
    );
  }

  /** Moves a running Action to the outcome of its execution, once that execution has ended. */
  async follow(name: string): Promise<void> {
    const stored = await this.deps.store.get(name);
    const executionId = stored?.action.status.runner?.status.executionId;
    if (!stored || !executionId || !RUN_LIKE.includes(stored.action.status.phase)) return;
    const execution = await this.deps.executions.get(executionId);
    if (!execution || !isTerminalStatus(execution.status)) return;
    const output =
      execution.status === 'COMPLETED' ? await this.outputs(stored.action, execution) : { typeInstances: [] };
    const phase: ActionPhase =
      execution.status === 'COMPLETED'
        ? 'SUCCEEDED'
        : execution.status === 'CANCELLED'
          ? 'CANCELED'
          : 'FAILED';
    const message =
      phase === 'SUCCEEDED'
        ? `execution ${executionId} completed`
        : phase === 'CANCELED'
          ? `execution ${executionId} and its child executions were cancelled`
          : `execution ${executionId} failed: ${execution.error ?? 'no reason given'}`;
    try {
      await this.deps.store.change(
        name,
        (s) =>
          s.action.uid === stored.action.uid
            ? refuse(s.action, 'finish', RUN_LIKE)
            : 'a different Action now',
        (s) =>
          withPhase(s, phase, { output }, message, {
            runner: { status: { executionId, executionStatus: execution.status } },
          }),
      );
    } catch {
      // Another path (cancel, reconcile) finished it first.
    }
  }

  /** Output TypeInstances the root playbook declares, created from the finished execution. */
  private async outputs(action: Action, execution: ExecutionSummary): Promise<Action['output']> {
    const root = action.renderedAction;
    if (!root) return { typeInstances: [] };
    const record = await this.deps.catalog.get(root.path, Number(root.revision));
    if (!record) return { typeInstances: [] };
    const declared = outlinePlaybook(record.content).outputs;
    if (!declared.length) return { typeInstances: [] };
    const events = await this.deps.executions.events(execution.execution_id);
    const stepResults = new Map<string, unknown>();
    for (const e of events)
      if (e.type === 'step.exit' && e.step && !e.error) stepResults.set(e.step, e.result ?? null);
    const typeInstances = [];
    for (const decl of declared) {
      const value = decl.from ? stepResults.get(decl.from) : execution.result;
      const created = await this.deps.store.createTypeInstance({
        path: decl.typeRef.path,
        revision: decl.typeRef.revision,
        value: value ?? null,
        createdBy: action.created_by ?? null,
      });
      typeInstances.push({ name: decl.name, id: created.id, typeRef: created.typeRef });
    }
    return { typeInstances };
  }

  /**
   * Picks up what a restart interrupted (Actions left INITIAL or BEING_RENDERED are rendered again) and
   * checks running Actions whose executions ended elsewhere.
   */
  async reconcile(): Promise<void> {
    const running = await this.deps.store.inPhases(['RUNNING', 'BEING_CANCELED']);
    const ids = running.flatMap((s) => s.action.status.runner?.status.executionId ?? []);
    if (ids.length === 0) return;
    // One query for every running Action's execution; only those that ended are followed.
    const ended = new Set(
      (await this.deps.executions.getMany(ids))
        .filter((e) => isTerminalStatus(e.status))
        .map((e) => e.execution_id),
    );
    for (const stored of running) {
      const executionId = stored.action.status.runner?.status.executionId;
      if (executionId && ended.has(executionId)) await this.follow(stored.action.name);
    }
  }

  async recover(): Promise<void> {
    for (const stored of await this.deps.store.inPhases(['INITIAL', 'BEING_RENDERED'])) {
      const { name } = stored.action;
      if (stored.action.status.phase === 'BEING_RENDERED')
        await this.deps.store
          .change(
            name,
            () => undefined,
            (s) => withPhase(s, 'INITIAL', {}, 'rendering again after a restart'),
          )
          .catch(() => undefined);
      this.scheduleRender(name, stored.internal.generation);
    }
  }

  startBackground(intervalMs = 1_000): void {
    this.reconcileTimer = setInterval(() => {
      void this.reconcile().catch((error: unknown) =>
        this.deps.logger.warn({ err: error }, 'checking running Actions failed'),
      );
    }, intervalMs);
    this.reconcileTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.reconcileTimer);
    await Promise.allSettled([...this.rendering]);
  }
}

/** A continueAdvancedRendering answer named TypeInstances the iteration did not offer. */
export class UnknownTypeInstanceInputError extends Error {
  constructor(
    readonly names: string[],
    readonly offered: string[],
  ) {
    super(
      `TypeInstance${names.length > 1 ? 's' : ''} ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} not offered in this iteration (offered: ${offered.join(', ') || 'none'})`,
    );
    this.name = 'UnknownTypeInstanceInputError';
  }
}
