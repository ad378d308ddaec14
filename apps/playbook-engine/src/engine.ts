import { randomUUID } from 'node:crypto';
import { isTerminalStatus, rememberExecutionTrace } from '@switchyard/execution-events';
import type { Problem } from '@switchyard/engine-client';
import type {
  CancelOutcome as CancelResponse,
  ExecutionRecord as ExecutionSummary,
  StartedExecution as RunPlaybookResponse,
} from './storage/records.js';
import type { Logger } from '@switchyard/service-kit';
import { playbookSchema, validatePlaybookText, type Playbook } from '@switchyard/playbook-dsl';
import {
  ExecutionRunner,
  Limiter,
  StepConfigError,
  type RunnerLimits,
  type StepDispatcher,
} from '@switchyard/playbook-runtime';
import type { TemplateEngine } from '@switchyard/playbook-templates';
import { templateProblems } from './templates.js';
import type { CatalogRecord, CatalogStore } from './storage/catalog-store.js';
import type { ExecutionStore } from './storage/execution-store.js';
import { newExecutionId } from './storage/ids.js';
import type { ChildRunOutcome, ChildRunRequest, ToolRuntime } from './tools/types.js';
import { createToolInvoker } from './tool-invoker.js';
import type { ToolInvoker } from '@switchyard/playbook-runtime';

export class PlaybookInvalidError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`the playbook is invalid: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    this.name = 'PlaybookInvalidError';
  }
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

export interface EngineSettings extends RunnerLimits {
  leaseMs: number;
  /** Most levels of playbooks calling playbooks (a top-level execution is level 1). */
  maxDepth: number;
  /** Most child executions one execution may start. */
  maxChildren: number;
  /** Top-level executions running at once in this process; more wait (INITIALIZED) for a slot. */
  maxActive: number;
}

export interface EngineDeps {
  catalog: CatalogStore;
  executions: ExecutionStore;
  runtime: Omit<ToolRuntime, 'runChild'>;
  templates: TemplateEngine;
  /** The step queue to workers, once NATS is connected. */
  dispatcher: () => StepDispatcher | undefined;
  logger: Logger;
  settings: EngineSettings;
}

interface Active {
  runner: ExecutionRunner;
  done: Promise<void>;
}

/** The playbook engine: catalog, execution lifecycle, cancellation, leases and restart recovery. */
export class Engine {
  readonly instanceId = randomUUID();
  private readonly active = new Map<string, Active>();
  private leaseTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly runtime: ToolRuntime;
  private readonly parsed = new Map<string, Playbook>();
  private readonly admission: Limiter;
  private workQueue: { publish(executionId: string): Promise<void> } | undefined;
  private readonly invoke: ToolInvoker;
  /** Child executions started per parent execution, while the parent runs here. */
  private readonly childCounts = new Map<string, number>();

  constructor(private readonly deps: EngineDeps) {
    this.runtime = { ...deps.runtime, runChild: (req) => this.runChild(req) };
    this.admission = new Limiter(deps.settings.maxActive);
    this.invoke = createToolInvoker({ runtime: this.runtime, dispatcher: deps.dispatcher });
  }

  /** Top-level execution slots free in this process (the work queue pulls only this many). */
  get freeSlots(): number {
    return this.stopping ? 0 : this.admission.free;
  }

  whenSlotFree(): Promise<void> {
    if (this.stopping) return new Promise((resolve) => setTimeout(resolve, 1_000).unref());
    return this.admission.whenFree();
  }

  /** With a queue, new top-level executions go to whichever engine process has room. */
  useWorkQueue(queue: { publish(executionId: string): Promise<void> } | undefined): void {
    this.workQueue = queue;
  }

  /** Starts a queued execution that this process pulled from the work queue, if it can claim it. */
  async startQueued(executionId: string): Promise<boolean> {
    if (this.stopping) return false;
    if (!(await this.deps.executions.claim(executionId, this.instanceId, this.deps.settings.leaseMs)))
      return false;
    const execution = await this.deps.executions.get(executionId);
    const record = execution && (await this.deps.catalog.byId(execution.catalog_id));
    if (!execution || !record) return false;
    this.launch(executionId, execution.path, execution.args, this.playbookOf(record));
    return true;
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** Validates and registers a playbook; a path registered again gets the next version. */
  async register(content: string): Promise<CatalogRecord> {
    return (await this.registerChecked(content)).record;
  }

  /**
   * Registers like `register` and also answers the validation warnings: keys NoETL accepts and ignores,
   * duplicate YAML keys and step names (see docs/noetl-dsl.md).
   */
  async registerChecked(content: string): Promise<{ record: CatalogRecord; warnings: Problem[] }> {
    const { playbook, warnings } = await this.checked(content);
    return { record: await this.store(content, playbook), warnings };
  }

  /** Registers unless the latest version of the path has exactly this content. */
  async registerIfChanged(content: string): Promise<CatalogRecord> {
    const playbook = await this.validated(content);
    const latest = await this.deps.catalog.latest(playbook.metadata.path);
    if (latest && latest.content === content) return latest;
    return this.store(content, playbook);
  }

  private async validated(content: string): Promise<Playbook> {
    return (await this.checked(content)).playbook;
  }

  private async checked(content: string): Promise<{ playbook: Playbook; warnings: Problem[] }> {
    const checked = validatePlaybookText(content);
    if (!checked.ok) throw new PlaybookInvalidError(checked.problems);
    const problems = await templateProblems(this.deps.templates, checked.playbook);
    if (problems.length > 0) throw new PlaybookInvalidError(problems);
    return { playbook: checked.playbook, warnings: checked.warnings };
  }

  private store(content: string, playbook: Playbook): Promise<CatalogRecord> {
    const { metadata } = playbook;
    return this.deps.catalog.register({
      path: metadata.path,
      kind: 'Playbook',
      name: metadata.name,
      description: metadata.description ?? null,
      content,
      payload: playbook as unknown as Record<string, unknown>,
    });
  }

  /** The playbook of a catalog entry, parsed from its text (keeps the author's key order), cached by id. */
  private playbookOf(record: CatalogRecord): Playbook {
    let playbook = this.parsed.get(record.catalog_id);
    if (!playbook) {
      const checked = validatePlaybookText(record.content);
      playbook = checked.ok ? checked.playbook : playbookSchema.parse(record.payload);
      if (this.parsed.size >= 500) this.parsed.delete(this.parsed.keys().next().value!);
      this.parsed.set(record.catalog_id, playbook);
    }
    return playbook;
  }

  private async resolve(input: {
    path?: string;
    version?: number;
    catalogId?: string;
  }): Promise<CatalogRecord> {
    let record: CatalogRecord | undefined;
    if (input.catalogId !== undefined) record = await this.deps.catalog.byId(input.catalogId);
    else if (input.path !== undefined && input.version !== undefined)
      record = await this.deps.catalog.get(input.path, input.version);
    else if (input.path !== undefined) record = await this.deps.catalog.latest(input.path);
    if (!record) {
      const what = input.catalogId
        ? `catalog_id ${input.catalogId}`
        : `${input.path}${input.version ? ` version ${input.version}` : ''}`;
      throw new NotFoundError(`playbook ${what} is not registered`);
    }
    return record;
  }

  /** Creates an execution and starts it in the background; returns at once. */
  async start(input: {
    path?: string;
    version?: number;
    catalogId?: string;
    args?: Record<string, unknown>;
    parentExecutionId?: string;
    /** Run in this process even when a work queue is in use (the caller waits for the runner here). */
    local?: boolean;
    /** User id of the session that started it. */
    createdBy?: string | null;
  }): Promise<RunPlaybookResponse> {
    if (this.stopping) throw new Error('the engine is shutting down');
    const record = await this.resolve(input);
    const playbook = this.playbookOf(record);
    const executionId = newExecutionId();
    rememberExecutionTrace(executionId);
    const args = input.args ?? {};
    const child = input.parentExecutionId !== undefined;
    // Children run where their parent waits for them; top-level executions go through the queue when there is one.
    const queue = child || input.local ? undefined : this.workQueue;
    await this.deps.executions.create({
      executionId,
      path: record.path,
      version: record.version,
      catalogId: record.catalog_id,
      parentExecutionId: input.parentExecutionId ?? null,
      args,
      owner: queue ? null : this.instanceId,
      leaseMs: this.deps.settings.leaseMs,
      createdBy: input.createdBy ?? null,
    });
    await this.deps.executions.append(executionId, {
      type: 'playbook.initialized',
      status: 'INITIALIZED',
      result: { path: record.path, version: record.version },
    });
    let queued = false;
    if (queue) {
      try {
        await queue.publish(executionId);
        queued = true;
      } catch (error) {
        this.deps.logger.warn(
          { err: error, executionId },
          'work queue unavailable; running the execution here',
        );
        queued = !(await this.deps.executions.claim(
          executionId,
          this.instanceId,
          this.deps.settings.leaseMs,
        ));
      }
    }
    if (!queued) this.launch(executionId, record.path, args, playbook, child);
    return {
      execution_id: executionId,
      status: 'INITIALIZED',
      path: record.path,
      version: record.version,
      catalog_id: record.catalog_id,
      parent_execution_id: input.parentExecutionId ?? null,
    };
  }

  private launch(
    executionId: string,
    path: string,
    args: Record<string, unknown>,
    playbook: Playbook,
    child = false,
  ): Active {
    const runner = new ExecutionRunner({ executionId, path, args }, playbook, {
      events: this.deps.executions,
      templates: this.deps.templates,
      invoke: this.invoke,
      logger: this.deps.logger,
      limits: this.deps.settings,
    });
    const entry: Active = {
      runner,
      done: new Promise<void>((resolve) => setImmediate(resolve))
        // Children skip admission: their parents already hold a slot and wait for them.
        .then(() => (child ? runner.run() : this.admission.run(() => runner.run())))
        .finally(() => {
          this.active.delete(executionId);
          this.childCounts.delete(executionId);
        }),
    };
    this.active.set(executionId, entry);
    return entry;
  }

  /**
   * Runs a playbook here and waits for its end (up to `timeoutMs`): the answer holds the result as computed, before
   * the redaction of secrets that applies to everything stored and published.
   */
  async runToEnd(input: { path: string; args?: Record<string, unknown>; timeoutMs: number }): Promise<{
    execution_id: string;
    status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'RUNNING';
    result?: unknown;
    error?: string | null;
  }> {
    const started = await this.start({ path: input.path, args: input.args, local: true });
    const entry = this.active.get(started.execution_id);
    if (entry) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([entry.done, new Promise((r) => (timer = setTimeout(r, input.timeoutMs)))]);
      clearTimeout(timer);
      const outcome = entry.runner.result;
      if (outcome) {
        return {
          execution_id: started.execution_id,
          status: outcome.status,
          ...(outcome.result !== undefined ? { result: outcome.result } : {}),
          error: outcome.error ?? null,
        };
      }
    }
    const execution = await this.deps.executions.get(started.execution_id);
    const status = execution?.status ?? 'RUNNING';
    return {
      execution_id: started.execution_id,
      status: status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED' ? status : 'RUNNING',
      error: execution?.error ?? null,
    };
  }

  /** Waits until an execution has ended (or this engine no longer runs it) and returns it. */
  async settle(executionId: string, signal?: AbortSignal): Promise<ExecutionSummary> {
    const entry = this.active.get(executionId);
    if (entry) {
      await (signal
        ? Promise.race([
            entry.done,
            new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
          ])
        : entry.done);
    }
    const execution = await this.deps.executions.get(executionId);
    if (!execution) throw new NotFoundError(`execution ${executionId} does not exist`);
    return execution;
  }

  /** Levels above an execution: 1 for a top-level one. */
  private async depthOf(executionId: string): Promise<number> {
    let depth = 1;
    let current = await this.deps.executions.get(executionId);
    while (current?.parent_execution_id && depth <= this.deps.settings.maxDepth) {
      depth++;
      current = await this.deps.executions.get(current.parent_execution_id);
    }
    return depth;
  }

  private async runChild(req: ChildRunRequest): Promise<ChildRunOutcome> {
    const { maxDepth, maxChildren } = this.deps.settings;
    if ((await this.depthOf(req.parentExecutionId)) >= maxDepth) {
      throw new StepConfigError(
        `playbook ${req.path} would be nested ${maxDepth + 1} levels deep; the limit is ${maxDepth} (ENGINE_MAX_PLAYBOOK_DEPTH)`,
      );
    }
    const count = (this.childCounts.get(req.parentExecutionId) ?? 0) + 1;
    if (count > maxChildren) {
      throw new StepConfigError(
        `execution ${req.parentExecutionId} already started ${maxChildren} child executions; the limit is ${maxChildren} (ENGINE_MAX_CHILD_EXECUTIONS)`,
      );
    }
    this.childCounts.set(req.parentExecutionId, count);
    const started = await this.start({
      path: req.path,
      version: req.version,
      args: req.args,
      parentExecutionId: req.parentExecutionId,
    });
    const onAbort = () => {
      void this.cancel(started.execution_id, 'parent step stopped', true).catch(() => undefined);
    };
    req.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const execution = await this.settle(started.execution_id, req.signal);
      const events = await this.deps.executions.events(started.execution_id);
      const stepResults: Record<string, unknown> = {};
      for (const e of events)
        if (e.type === 'step.exit' && e.step && !e.error) stepResults[e.step] = e.result ?? null;
      return { execution, stepResults };
    } finally {
      req.signal.removeEventListener('abort', onAbort);
    }
  }

  /** Cancels an execution (and, with cascade, every descendant): running steps stop, no further events. */
  async cancel(
    executionId: string,
    reason = 'cancelled by request',
    cascade = true,
  ): Promise<CancelResponse> {
    const execution = await this.deps.executions.get(executionId);
    if (!execution) throw new NotFoundError(`execution ${executionId} does not exist`);
    const targets = [executionId, ...(cascade ? await this.deps.executions.descendants(executionId) : [])];
    const cancelled: string[] = [];
    for (const id of targets) {
      const event = await this.deps.executions.append(id, {
        type: 'execution.cancelled',
        status: 'CANCELLED',
        error: id === executionId ? reason : `parent execution ${executionId} cancelled: ${reason}`,
      });
      if (event) cancelled.push(id);
      this.active.get(id)?.runner.stop(reason);
    }
    const after = await this.deps.executions.get(executionId);
    return {
      execution_id: executionId,
      status: after!.status,
      cancelled_execution_ids: cancelled,
      message: cancelled.includes(executionId)
        ? `cancelled ${cancelled.length} execution${cancelled.length === 1 ? '' : 's'}`
        : `execution had already ended ${after!.status}${cancelled.length ? `; cancelled ${cancelled.length} descendant(s)` : ''}`,
    };
  }

  /**
   * Closes out an execution that is stuck or abandoned (NoETL's finalize): a terminal `playbook.failed` with the
   * reason, and its runner stopped. Children are left to their own terminal events.
   */
  async finalize(
    executionId: string,
    reason: string,
  ): Promise<'finalized' | 'already_completed' | 'not_found'> {
    const execution = await this.deps.executions.get(executionId);
    if (!execution) return 'not_found';
    if (isTerminalStatus(execution.status)) return 'already_completed';
    const event = await this.deps.executions.append(executionId, {
      type: 'playbook.failed',
      status: 'FAILED',
      error: `finalized: ${reason}`,
    });
    this.active.get(executionId)?.runner.stop(`finalized: ${reason}`);
    return event ? 'finalized' : 'already_completed';
  }

  /** Renews leases of running executions and recovers orphans; runs every third of the lease. */
  startBackground(): void {
    const tick = async () => {
      try {
        await this.renewLeases();
        await this.recover();
      } catch (error) {
        this.deps.logger.error({ err: error }, 'lease maintenance failed');
      }
    };
    this.leaseTimer = setInterval(
      () => void tick(),
      Math.max(100, Math.floor(this.deps.settings.leaseMs / 3)),
    );
    this.leaseTimer.unref();
  }

  private async renewLeases(): Promise<void> {
    const ids = [...this.active.keys()];
    const rows = await this.deps.executions.renewLeases(this.instanceId, ids, this.deps.settings.leaseMs);
    for (const row of rows) {
      // Cancelled by another engine process: stop our runner.
      if (isTerminalStatus(row.status))
        this.active.get(row.execution_id)?.runner.stop(`execution ${row.status}`);
    }
  }

  /**
   * Takes over unfinished executions whose engine died (lease expired): an execution whose workflow had not
   * started is started now; one that was running is failed with a reason. None stays RUNNING forever.
   */
  async recover(): Promise<{ resumed: string[]; failed: string[] }> {
    const resumed: string[] = [];
    const failed: string[] = [];
    if (this.stopping) return { resumed, failed };
    const orphans = await this.deps.executions.claimOrphans(this.instanceId, this.deps.settings.leaseMs);
    for (const orphan of orphans) {
      if (this.active.has(orphan.execution_id)) continue;
      const execution = await this.deps.executions.get(orphan.execution_id);
      if (!execution) continue;
      // A child is not resumed: the parent step that waited for it is gone with its engine.
      if (!orphan.started && execution.parent_execution_id === null) {
        const record = await this.deps.catalog.byId(execution.catalog_id);
        if (record) {
          this.launch(execution.execution_id, execution.path, execution.args, this.playbookOf(record));
          resumed.push(execution.execution_id);
          continue;
        }
      }
      await this.deps.executions.append(execution.execution_id, {
        type: 'playbook.failed',
        status: 'FAILED',
        error:
          'the engine running this execution stopped before it finished (restart or crash); it was not resumed',
      });
      failed.push(execution.execution_id);
    }
    if (resumed.length || failed.length)
      this.deps.logger.warn({ resumed, failed }, 'recovered executions of a stopped engine');
    return { resumed, failed };
  }

  /** Lets running executions finish for up to `timeoutMs`, then stops them and releases their leases. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.leaseTimer);
    const pending = [...this.active.values()].map((a) => a.done);
    if (pending.length) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(pending), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
    }
    const left = [...this.active.keys()];
    for (const entry of this.active.values()) entry.runner.stop('engine shutting down');
    await this.deps.executions.releaseLeases(left).catch(() => undefined);
  }
}
