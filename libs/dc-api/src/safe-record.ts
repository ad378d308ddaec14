import { z } from 'zod';

/**
 * Like `z.record(key, value)`, but the result is a null-prototype object built with own properties, so every key
 * of the request survives as data: `__proto__` is a field like any other, and `constructor` or `toString` never
 * resolve to Object.prototype members. (zod's own record assigns keys onto `{}`, where `__proto__` is lost.)
 */
export function nullProtoRecord<K extends z.ZodType<string>, V extends z.ZodType>(key: K, value: V) {
  return z.unknown().transform((input, ctx): Record<string, z.output<V>> => {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      ctx.addIssue({
        code: 'invalid_type',
        expected: 'record',
        input,
        message: 'expected an object',
      } as never);
      return z.NEVER;
    }
    const out = Object.create(null) as Record<string, z.output<V>>;
    for (const name of Object.keys(input)) {
      const checkedKey = key.safeParse(name);
      if (!checkedKey.success) {
        for (const issue of checkedKey.error.issues) ctx.addIssue({ ...issue, path: [name] } as never);
        return z.NEVER;
      }
      const checked = value.safeParse((input as Record<string, unknown>)[name]);
      if (!checked.success) {
        for (const issue of checked.error.issues)
          ctx.addIssue({ ...issue, path: [name, ...issue.path] } as never);
        return z.NEVER;
      }
      Object.defineProperty(out, name, {
        value: checked.data,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  });
}
