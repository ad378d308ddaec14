import { randomInt, randomUUID } from 'node:crypto';

let lastMillis = 0;
let counter = 0;

/** A numeric, time-ordered execution id as a string (NoETL ids are snowflake-like integers). */
export function newExecutionId(): string {
  const now = Date.now();
  if (now === lastMillis) counter = (counter + 1) & 0x3ff;
  else {
    lastMillis = now;
    counter = randomInt(0, 0x200);
  }
  return ((BigInt(now) << 22n) | (BigInt(counter) << 12n) | BigInt(randomInt(0, 0x1000))).toString();
}

export function newEventId(): string {
  return randomUUID();
}
