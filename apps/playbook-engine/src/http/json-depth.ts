import type { NextFunction, Request, Response } from 'express';

/** The nesting depth of a JSON value, counted without recursion (a deep value cannot overflow the stack here). */
export function jsonDepth(value: unknown, stopAt: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const level = depth + 1;
    if (level > max) max = level;
    if (max > stopAt) return max;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, level]);
    }
  }
  return max;
}

/** Refuses request bodies nested deeper than `maxDepth` with 400 JSON_TOO_DEEP. */
export function limitJsonDepth(maxDepth: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.body === undefined || jsonDepth(req.body, maxDepth) <= maxDepth) return next();
    const message = `the request body is nested more than ${maxDepth} levels deep (ENGINE_MAX_JSON_DEPTH)`;
    res
      .status(400)
      .json({ detail: message, code: 'JSON_TOO_DEEP', error: { code: 'JSON_TOO_DEEP', message } });
  };
}
