import { jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { contextFromHeaders } from '@switchyard/execution-events';
import {
  credentialReplySchema,
  decodeJson,
  encodeJson,
  STEP_CANCEL_SUBJECT,
  STEP_STREAM,
  STEP_WORKER_CONSUMER,
  stepCommandSchema,
  type StepCommand,
  type WorkerReply,
} from './step-protocol.js';
import { ensureStepStream } from './step-stream.js';

export interface StepCredential {
  name: string;
  type: string;
  data: Record<string, unknown>;
}

/** What a worker does with one command: run its tool and return the result, or throw. */
export type StepExecutor = (
  command: StepCommand,
  context: { signal: AbortSignal; credential?: StepCredential },
) => Promise<unknown>;

/** An error from a tool that carries a code, and whether retrying could help. */
export interface CodedError extends Error {
  code?: string;
  permanent?: boolean;
}

export interface StepWorkerOptions {
  nc: NatsConnection;
  workerId: string;
  /** Commands this worker runs at once. */
  concurrency: number;
  execute: StepExecutor;
  logger: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
  heartbeatMs?: number;
  onOutcome?: (kind: string, outcome: 'ok' | 'error' | 'skipped') => void;
}

export interface StepWorker {
  readonly running: number;
  /** Stops taking commands, lets running ones finish for up to `timeoutMs`, then stops them. */
  close(timeoutMs?: number): Promise<void>;
}

const RECENT_CANCELS = 1_000;

/** The request id the engine's request carried as baggage, as a span attribute. */
function requestIdAttribute(ctx: Context): Record<string, string> {
  const id = propagation.getBaggage(ctx)?.getEntry('request.id')?.value;
  return id === undefined ? {} : { 'request.id': id };
}

type ReplyBody = WorkerReply extends infer R
  ? R extends unknown
    ? Omit<R, 'commandId' | 'token'>
    : never
  : never;

/**
 * A worker's side of the step-command protocol: pulls commands from the shared work queue (never more than it
 * has room for), acknowledges each before running it so that no command runs twice, reports `started`,
 * heartbeats and the result to the engine that sent it, and stops a command the engine cancels.
 */
export async function startStepWorker(options: StepWorkerOptions): Promise<StepWorker> {
  const { nc, logger } = options;
  const heartbeatMs = options.heartbeatMs ?? 1_000;
  await ensureStepStream(nc);
  let consumer = await jetstream(nc).consumers.get(STEP_STREAM, STEP_WORKER_CONSUMER);
  const running = new Map<string, AbortController>();
  const cancelled = new Set<string>();
  const tasks = new Set<Promise<void>>();
  let closed = false;
  let current: ConsumerMessages | undefined;
  let slotFreed: (() => void) | undefined;

  const cancels: Subscription = nc.subscribe(STEP_CANCEL_SUBJECT, {
    callback: (error, message) => {
      if (error) return;
      const id = message.string();
      running.get(id)?.abort(new Error('cancelled by the engine'));
      cancelled.add(id);
      if (cancelled.size > RECENT_CANCELS) cancelled.delete(cancelled.values().next().value!);
    },
  });

  const reply = (command: StepCommand, body: ReplyBody) => {
    const message = { ...body, commandId: command.commandId, token: command.token };
    let data = encodeJson(message);
    const max = nc.info?.max_payload ?? 1_048_576;
    if (data.length > max - 1_024 && body.type === 'result') {
      data = encodeJson({
        type: 'result',
        commandId: command.commandId,
        token: command.token,
        ok: false,
        permanent: true,
        code: 'RESULT_TOO_LARGE',
        error: `the step's result is ${data.length} bytes; results are limited to ${max - 1_024} bytes (NATS max_payload)`,
      });
    }
    if (body.type !== 'result') {
      nc.publish(command.replyTo, data);
      return Promise.resolve();
    }
    return deliver(command, data);
  };

  /**
   * A result is delivered as a request and sent again until the engine answers, so that a NATS outage or a
   * reconnect does not lose it; after a grace period past the command's deadline nobody waits for it any more.
   */
  const deliver = async (command: StepCommand, data: Uint8Array): Promise<void> => {
    const giveUpAt = command.deadline + 60_000;
    for (let attempt = 0; ; attempt++) {
      try {
        await nc.request(command.replyTo, data, { timeout: 2_000 });
        return;
      } catch (error) {
        if (Date.now() > giveUpAt || nc.isClosed() || closed) {
          logger.warn(
            { err: error, commandId: command.commandId },
            'could not deliver a step result; the engine is gone',
          );
          return;
        }
        await new Promise((r) => setTimeout(r, Math.min(2_000, 200 * (attempt + 1))));
      }
    }
  };

  const fetchCredential = async (command: StepCommand): Promise<StepCredential | undefined> => {
    if (!command.credential) return undefined;
    const answer = await nc.request(
      command.credentialSubject,
      encodeJson({ commandId: command.commandId, token: command.token }),
      { timeout: 5_000 },
    );
    const parsed = credentialReplySchema.parse(decodeJson(answer.data));
    if (!parsed.ok) {
      const error: CodedError = new Error(`credential "${command.credential}": ${parsed.error}`);
      error.code = 'CREDENTIAL_UNAVAILABLE';
      error.permanent = true;
      throw error;
    }
    return parsed.credential;
  };

  /** Runs a command inside a consumer span that continues the trace its message carried. */
  const runTraced = (command: StepCommand, parent: Context): Promise<void> =>
    trace.getTracer('@switchyard/playbook-runtime').startActiveSpan(
      `worker step ${command.step}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'switchyard.worker.id': options.workerId,
          'switchyard.execution.id': command.executionId,
          'switchyard.step': command.step,
          'switchyard.step.kind': command.kind,
          'switchyard.step.attempt': command.attempt,
          ...requestIdAttribute(parent),
        },
      },
      parent,
      async (span) => {
        try {
          await run(command, span);
        } finally {
          span.end();
        }
      },
    );

  const run = async (command: StepCommand, span?: Span): Promise<void> => {
    if (cancelled.has(command.commandId) || Date.now() > command.deadline) {
      options.onOutcome?.(command.kind, 'skipped');
      return;
    }
    const controller = new AbortController();
    running.set(command.commandId, controller);
    reply(command, { type: 'started', workerId: options.workerId });
    const heartbeat = setInterval(() => reply(command, { type: 'heartbeat' }), heartbeatMs);
    const signal = AbortSignal.any([
      controller.signal,
      AbortSignal.timeout(Math.max(1, command.deadline - Date.now())),
    ]);
    try {
      const credential = await fetchCredential(command);
      const result = await options.execute(command, { signal, ...(credential ? { credential } : {}) });
      await reply(command, { type: 'result', ok: true, result: result ?? null });
      options.onOutcome?.(command.kind, 'ok');
    } catch (error) {
      const coded = error as CodedError;
      const text =
        signal.aborted && !(error instanceof Error && coded.code)
          ? `stopped: ${String((signal.reason as Error)?.message ?? 'timeout')}`
          : (error as Error).message;
      await reply(command, {
        type: 'result',
        ok: false,
        error: text,
        ...(coded.code ? { code: coded.code } : {}),
        ...(coded.permanent ? { permanent: true } : {}),
      });
      options.onOutcome?.(command.kind, 'error');
      span?.setStatus({ code: SpanStatusCode.ERROR, message: text });
    } finally {
      clearInterval(heartbeat);
      running.delete(command.commandId);
    }
  };

  const take = async (message: JsMsg): Promise<void> => {
    let command: StepCommand;
    try {
      command = stepCommandSchema.parse(message.json());
    } catch (error) {
      logger.warn({ err: error }, 'dropped a malformed step command');
      message.term();
      return;
    }
    // Acknowledged before it runs: if this worker dies now, the engine sees no heartbeat and applies the
    // step's retry policy; the command itself is never delivered a second time.
    try {
      await message.ackAck();
    } catch (error) {
      logger.warn(
        { err: error, commandId: command.commandId },
        'could not acknowledge a step command; left for redelivery',
      );
      return;
    }
    const parent = contextFromHeaders(message.headers, context.active());
    const task = runTraced(command, parent).catch((error: unknown) =>
      logger.error({ err: error }, 'step command failed'),
    );
    tasks.add(task);
    void task.finally(() => {
      tasks.delete(task);
      slotFreed?.();
    });
  };

  const loop = (async () => {
    while (!closed) {
      const free = options.concurrency - tasks.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => (slotFreed = resolve));
        slotFreed = undefined;
        continue;
      }
      try {
        const batch = await consumer.fetch({ max_messages: free, expires: 2_000 });
        current = batch;
        if (closed) batch.stop();
        for await (const message of batch) await take(message);
      } catch (error) {
        if (closed) break;
        logger.warn({ err: error }, 'step queue pull failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
        // The queue lives in NATS's memory: after a NATS restart it is created again.
        try {
          await ensureStepStream(nc);
          consumer = await jetstream(nc).consumers.get(STEP_STREAM, STEP_WORKER_CONSUMER);
        } catch {
          // NATS is not back yet; the next pass tries again.
        }
      }
    }
  })();

  return {
    get running() {
      return running.size;
    },
    async close(timeoutMs = 10_000) {
      closed = true;
      current?.stop();
      slotFreed?.();
      await Promise.race([loop, new Promise((r) => setTimeout(r, 2_500))]);
      if (tasks.size) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.all([...tasks]), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
        clearTimeout(timer);
      }
      for (const controller of running.values()) controller.abort(new Error('worker shutting down'));
      await Promise.race([Promise.all([...tasks]), new Promise((r) => setTimeout(r, 2_000))]);
      cancels.unsubscribe();
    },
  };
}
