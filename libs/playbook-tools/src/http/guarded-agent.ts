import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { Agent } from 'undici';
import { ToolError } from '../tool-error.js';
import type { EgressPolicy } from './egress-policy.js';

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A DNS lookup for sockets that refuses the connection when any address the name resolves to is
 * refused by the policy. Sockets connect only to addresses this lookup returned, so a name that
 * resolves differently on a second query cannot slip past the check.
 */
export function guardedLookup(policy: EgressPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      for (const { address } of addresses) {
        const verdict = policy.check(hostname, address);
        if (!verdict.allowed)
          return callback(
            Object.assign(new ToolError('EGRESS_DENIED', `http tool: egress denied: ${verdict.reason}`), {
              errno: undefined,
            }) as unknown as NodeJS.ErrnoException,
            [],
          );
      }
      if (addresses.length === 0)
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** An undici dispatcher whose connections all go through {@link guardedLookup}. */
export function guardedAgent(policy: EgressPolicy, connectTimeoutMs: number): Agent {
  return new Agent({
    connect: { lookup: guardedLookup(policy), timeout: connectTimeoutMs },
    connections: 4,
  });
}
