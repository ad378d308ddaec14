import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * The step-command protocol between the engine (control plane) and workers.
 *
 * - The engine publishes a {@link StepCommand} to the JetStream work-queue stream {@link STEP_STREAM}; exactly one
 *   worker takes it (it acknowledges before running, so a command is never run twice).
 * - The worker reports on the engine's reply subject: `started`, a `heartbeat` while it runs, then `result`.
 *   Each report carries the command's token, an HMAC the engine made for that one command: it lets a worker report
 *   that step and nothing else.
 * - A step that names a credential: the worker asks the engine for it (core NATS request, never stored in a stream)
 *   with the same token.
 * - The engine cancels a command by publishing its id on {@link STEP_CANCEL_SUBJECT}.
 */

export const STEP_STREAM = 'PLAYBOOK_STEPS';
export const STEP_COMMAND_SUBJECT = 'playbooks.steps.commands';
export const STEP_WORKER_CONSUMER = 'playbook-workers';
export const STEP_CANCEL_SUBJECT = 'playbooks.steps.cancel';

export function stepReplySubject(engineId: string): string {
  return `playbooks.steps.replies.${engineId}`;
}

export function stepCredentialSubject(engineId: string): string {
  return `playbooks.steps.credentials.${engineId}`;
}

/** Tool kinds that run user-written work and therefore only ever run in a worker. */
export const WORKER_TOOL_KINDS = ['http', 'postgres', 'python'] as const;
export type WorkerToolKind = (typeof WORKER_TOOL_KINDS)[number];

export function isWorkerToolKind(kind: string): kind is WorkerToolKind {
  return (WORKER_TOOL_KINDS as readonly string[]).includes(kind);
}

export const stepCommandSchema = z.object({
  commandId: z.string().min(1),
  executionId: z.string().min(1),
  step: z.string().min(1),
  attempt: z.number().int().min(1),
  kind: z.enum(WORKER_TOOL_KINDS),
  config: z.record(z.string(), z.unknown()),
  args: z.record(z.string(), z.unknown()),
  /** Name of the one credential the step uses; the worker fetches it with its token. */
  credential: z.string().min(1).optional(),
  /** Wall-clock time (ms since epoch) after which the result is no longer awaited. */
  deadline: z.number(),
  timeoutMs: z.number().int().positive(),
  replyTo: z.string().min(1),
  credentialSubject: z.string().min(1),
  token: z.string().min(1),
});
export type StepCommand = z.infer<typeof stepCommandSchema>;

export const workerReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), commandId: z.string(), token: z.string(), workerId: z.string() }),
  z.object({ type: z.literal('heartbeat'), commandId: z.string(), token: z.string() }),
  z.object({
    type: z.literal('result'),
    commandId: z.string(),
    token: z.string(),
    ok: z.boolean(),
    result: z.unknown().optional(),
    error: z.string().optional(),
    code: z.string().optional(),
    /** The failure is in the step itself (configuration, policy): retrying cannot mend it. */
    permanent: z.boolean().optional(),
  }),
]);
export type WorkerReply = z.infer<typeof workerReplySchema>;

export const credentialRequestSchema = z.object({ commandId: z.string(), token: z.string() });
export const credentialReplySchema = z.union([
  z.object({
    ok: z.literal(true),
    credential: z.object({
      name: z.string(),
      type: z.string(),
      data: z.record(z.string(), z.unknown()),
    }),
  }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type CredentialReply = z.infer<typeof credentialReplySchema>;

/** The token that lets a worker report one command: HMAC-SHA256 over the command's identity. */
export function commandToken(
  secret: Buffer,
  command: Pick<StepCommand, 'commandId' | 'executionId' | 'step' | 'attempt'>,
): string {
  return createHmac('sha256', secret)
    .update(`${command.commandId}\u0000${command.executionId}\u0000${command.step}\u0000${command.attempt}`)
    .digest('base64url');
}

export function tokenMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function decodeJson(data: Uint8Array): unknown {
  return JSON.parse(decoder.decode(data));
}
