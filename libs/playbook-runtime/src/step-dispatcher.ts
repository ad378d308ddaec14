import { randomBytes, randomUUID } from 'node:crypto';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';
import { traceHeaders } from '@switchyard/execution-events';
import { StepConfigError } from './runner.js';
import {
  commandToken,
  credentialRequestSchema,
  decodeJson,
  encodeJson,
  STEP_CANCEL_SUBJECT,
  STEP_COMMAND_SUBJECT,
  stepCredentialSubject,
  stepReplySubject,
  tokenMatches,
  workerReplySchema,
  type CredentialReply,
  type StepCommand,
  type WorkerToolKind,
} from './step-protocol.js';
import { ensureStepStream } from './step-stream.js';
import type { ToolInvocation } from './types.js';

/** The worker running a step stopped reporting: the step failed, and may be retried by its policy. */
export class WorkerLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerLostError';
  }
}

/** A tool call that failed in the worker, with the worker's error code. */
export class StepCallError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'StepCallError';
  }
}

export interface ResolvedCredential {
  name: string;
  type: string;
  data: Record<string, unknown>;
}

export interface StepDispatcherOptions {
  nc: NatsConnection;
  engineId: string;
  logger: { warn(obj: object, msg: string): void; debug(obj: object, msg: string): void };
  /** A running step whose worker sends no heartbeat for this long has lost its worker. */
  heartbeatTimeoutMs: number;
  /** Resolves the credential a step names; throws when the step may not have it. */
  resolveCredential(name: string, executionId: string): Promise<ResolvedCredential>;
}

interface Pending {
  command: StepCommand;
  resolve(value: unknown): void;
  reject(error: Error): void;
  workerId?: string;
  lastSeen: number;
  credentialSent: boolean;
  /** The trace context of the step, sent with the command (again on a re-queue). */
  headers?: MsgHdrs;
}

/**
 * The engine's side of the step-command protocol: sends a worker tool call to the work queue and waits for the
 * one worker that takes it. A worker that dies mid-step is noticed by its missing heartbeats.
 */
export class StepDispatcher {
  private readonly pending = new Map<string, Pending>();
  private readonly secret = randomBytes(32);
  private readonly js: JetStreamClient;
  private readonly subscriptions: Subscription[] = [];
  private readonly watchdog: NodeJS.Timeout;
  /** While the engine is cut off from NATS, missing heartbeats say nothing about the workers. */
  private connected = true;

  private constructor(private readonly options: StepDispatcherOptions) {
    this.js = jetstream(options.nc);
    this.watchdog = setInterval(() => this.checkHeartbeats(), Math.max(200, options.heartbeatTimeoutMs / 4));
    this.watchdog.unref();
  }

  static async open(options: StepDispatcherOptions): Promise<StepDispatcher> {
    await ensureStepStream(options.nc);
    const dispatcher = new StepDispatcher(options);
    dispatcher.listen();
    return dispatcher;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  private listen(): void {
    const { nc, engineId } = this.options;
    const replies = nc.subscribe(stepReplySubject(engineId), {
      callback: (error, message) => {
        if (error) return;
        try {
          this.onReply(decodeJson(message.data));
        } catch (cause) {
          this.options.logger.warn({ err: cause }, 'ignored a malformed worker reply');
        }
        // A result is sent as a request: the answer tells the worker it arrived (or is no longer awaited).
        if (message.reply) message.respond(encodeJson({ received: true }));
      },
    });
    const credentials = nc.subscribe(stepCredentialSubject(engineId), {
      callback: (error, message) => {
        if (error) return;
        void this.onCredentialRequest(message.data).then(
          (reply) => message.respond(encodeJson(reply)),
          () => message.respond(encodeJson({ ok: false, error: 'credential lookup failed' })),
        );
      },
    });
    this.subscriptions.push(replies, credentials);
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') this.connected = false;
        else if (status.type === 'reconnect') {
          this.connected = true;
          const now = Date.now();
          for (const entry of this.pending.values()) entry.lastSeen = now;
          void this.requeueUntaken();
        }
      }
    })().catch(() => undefined);
  }

  private onReply(raw: unknown): void {
    const parsed = workerReplySchema.safeParse(raw);
    if (!parsed.success) return;
    const reply = parsed.data;
    const entry = this.pending.get(reply.commandId);
    if (!entry || !tokenMatches(entry.command.token, reply.token)) return;
    entry.lastSeen = Date.now();
    if (reply.type === 'started') {
      entry.workerId = reply.workerId;
      return;
    }
    if (reply.type === 'heartbeat') {
      entry.workerId ??= 'unknown';
      return;
    }
    this.pending.delete(reply.commandId);
    if (reply.ok) entry.resolve(reply.result ?? null);
    else {
      const text = reply.error ?? 'the step failed in its worker';
      entry.reject(reply.permanent ? new StepConfigError(text) : new StepCallError(text, reply.code));
    }
  }

  private async onCredentialRequest(data: Uint8Array): Promise<CredentialReply> {
    const parsed = credentialRequestSchema.safeParse(decodeJson(data));
    if (!parsed.success) return { ok: false, error: 'malformed credential request' };
    const entry = this.pending.get(parsed.data.commandId);
    if (!entry || !tokenMatches(entry.command.token, parsed.data.token))
      return { ok: false, error: 'unknown step command' };
    const name = entry.command.credential;
    if (!name) return { ok: false, error: 'this step names no credential' };
    if (entry.credentialSent)
      return { ok: false, error: 'the credential was already handed out for this step' };
    entry.credentialSent = true;
    try {
      return { ok: true, credential: await this.options.resolveCredential(name, entry.command.executionId) };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }

  private checkHeartbeats(): void {
    if (!this.connected) return;
    const now = Date.now();
    for (const [id, entry] of this.pending) {
      if (entry.workerId === undefined) continue;
      if (now - entry.lastSeen <= this.options.heartbeatTimeoutMs) continue;
      this.pending.delete(id);
      entry.reject(
        new WorkerLostError(
          `the worker running step "${entry.command.step}" (attempt ${entry.command.attempt}) stopped answering ` +
            `for ${Math.round((now - entry.lastSeen) / 1000)} s; the step did not finish`,
        ),
      );
    }
  }

  /**
   * After a reconnect, sends again every command no worker has taken: the queue lives in NATS's memory, so a NATS
   * restart loses it. A command that survived is not delivered twice (JetStream drops a repeated message id).
   */
  private async requeueUntaken(): Promise<void> {
    try {
      await ensureStepStream(this.options.nc);
      for (const entry of this.pending.values()) {
        if (entry.workerId !== undefined) continue;
        await this.js.publish(STEP_COMMAND_SUBJECT, encodeJson(entry.command), {
          msgID: entry.command.commandId,
          timeout: 5_000,
          ...(entry.headers ? { headers: entry.headers } : {}),
        });
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not queue the untaken step commands again');
    }
  }

  /** Sends one tool call to the workers and resolves with its result. */
  async dispatch(call: ToolInvocation & { kind: WorkerToolKind }, credential?: string): Promise<unknown> {
    const commandId = randomUUID();
    const identity = { commandId, executionId: call.executionId, step: call.step, attempt: call.attempt };
    const command: StepCommand = {
      ...identity,
      kind: call.kind,
      config: call.config,
      args: call.args,
      ...(credential !== undefined ? { credential } : {}),
      deadline: Date.now() + call.timeoutMs,
      timeoutMs: call.timeoutMs,
      replyTo: stepReplySubject(this.options.engineId),
      credentialSubject: stepCredentialSubject(this.options.engineId),
      token: commandToken(this.secret, identity),
    };
    if (call.signal.aborted) throw new Error('the step was stopped before it was sent to a worker');
    const headers = traceHeaders();
    const result = new Promise<unknown>((resolve, reject) => {
      this.pending.set(commandId, {
        command,
        resolve,
        reject,
        lastSeen: Date.now(),
        credentialSent: false,
        ...(headers ? { headers } : {}),
      });
    });
    const sendOptions = { msgID: commandId, timeout: 5_000, ...(headers ? { headers } : {}) };
    const onAbort = () => {
      const entry = this.pending.get(commandId);
      if (!entry) return;
      this.pending.delete(commandId);
      this.options.nc.publish(STEP_CANCEL_SUBJECT, commandId);
      entry.reject(new Error(`step "${call.step}" was stopped`));
    };
    call.signal.addEventListener('abort', onAbort, { once: true });
    try {
      try {
        await this.js.publish(STEP_COMMAND_SUBJECT, encodeJson(command), sendOptions);
      } catch {
        // The queue may be gone with a NATS restart: create it and try once more.
        await ensureStepStream(this.options.nc);
        await this.js.publish(STEP_COMMAND_SUBJECT, encodeJson(command), sendOptions);
      }
    } catch (error) {
      this.pending.delete(commandId);
      call.signal.removeEventListener('abort', onAbort);
      throw new Error(`cannot queue step "${call.step}" for a worker: ${(error as Error).message}`);
    }
    try {
      return await result;
    } finally {
      call.signal.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.watchdog);
    for (const sub of this.subscriptions) sub.unsubscribe();
    for (const [id, entry] of this.pending) {
      this.options.nc.publish(STEP_CANCEL_SUBJECT, id);
      entry.reject(new Error('the engine is shutting down'));
    }
    this.pending.clear();
  }
}
