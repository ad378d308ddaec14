import type { Readable } from 'node:stream';
import { ToolError } from '../tool-error.js';

/** Reads a response body, failing with RESPONSE_TOO_LARGE as soon as it passes `limit` bytes. */
export async function readCappedBody(
  body: Readable & { destroy(error?: Error): void },
  declaredLength: string | string[] | undefined,
  limit: number,
): Promise<Buffer> {
  const tooLarge = () =>
    new ToolError('RESPONSE_TOO_LARGE', `http tool: the response is larger than the limit of ${limit} bytes`);
  const length = Number(Array.isArray(declaredLength) ? declaredLength[0] : declaredLength);
  if (Number.isFinite(length) && length > limit) {
    body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      body.destroy();
      throw tooLarge();
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
