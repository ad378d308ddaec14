import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { embeddedIpv4, ipv6Bytes } from './ip-address.js';

/** Address ranges no step may reach unless HTTP_TOOL_ALLOW opens them. */
const BLOCKED_V4: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const BLOCKED_V6: Array<[string, number]> = [
  ['::', 96], // unspecified, loopback, deprecated IPv4-compatible
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local, cloud metadata fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local
  ['ff00::', 8], // multicast
];

function defaultBlockList(): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of BLOCKED_V4) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of BLOCKED_V6) list.addSubnet(net, prefix, 'ipv6');
  for (const addresses of Object.values(networkInterfaces()))
    for (const info of addresses ?? [])
      list.addAddress(info.address.replace(/%.*$/, ''), info.family === 'IPv6' ? 'ipv6' : 'ipv4');
  return list;
}

function normaliseHost(host: string): string {
  return host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** Why an address was refused, for the step's error message. */
export interface EgressVerdict {
  allowed: boolean;
  reason?: string;
}

/**
 * Decides which destinations the http tool may connect to. Loopback, private, link-local, CGNAT,
 * multicast, reserved and cloud-metadata addresses (also inside IPv4-mapped, NAT64 and 6to4 IPv6
 * forms) and this machine's own interface addresses are refused; `allow` entries (host names,
 * `*.domain` patterns, addresses or CIDRs) open destinations explicitly.
 */
export class EgressPolicy {
  private readonly blocked = defaultBlockList();
  private readonly allowedNets = new BlockList();
  private readonly allowedHosts = new Set<string>();
  private readonly allowedSuffixes: string[] = [];

  constructor(allow: readonly string[] = []) {
    for (const raw of allow) {
      const entry = raw.trim();
      if (!entry) continue;
      const [net, prefix] = entry.split('/');
      const family = isIP(normaliseHost(net ?? ''));
      if (family) {
        const type = family === 6 ? 'ipv6' : 'ipv4';
        const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
        if (!Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32))
          throw new Error(`HTTP_TOOL_ALLOW: "${entry}" has an invalid prefix length`);
        this.allowedNets.addSubnet(normaliseHost(net!), bits, type);
      } else if (entry.startsWith('*.')) this.allowedSuffixes.push(normaliseHost(entry.slice(1)));
      else this.allowedHosts.add(normaliseHost(entry));
    }
  }

  /** True when the host name itself is opened by an allow entry (then any address it resolves to is allowed). */
  hostAllowed(host: string): boolean {
    const name = normaliseHost(host);
    return this.allowedHosts.has(name) || this.allowedSuffixes.some((suffix) => name.endsWith(suffix));
  }

  /** The verdict for connecting to `address` for the URL host `host`. */
  check(host: string, address: string): EgressVerdict {
    if (this.hostAllowed(host)) return { allowed: true };
    const ip = normaliseHost(address);
    const family = isIP(ip);
    if (family === 0) return { allowed: false, reason: `"${address}" is not an IP address` };
    const candidates: Array<[string, 'ipv4' | 'ipv6']> = [[ip, family === 6 ? 'ipv6' : 'ipv4']];
    if (family === 6) {
      const bytes = ipv6Bytes(ip);
      const inner = bytes && embeddedIpv4(bytes);
      if (inner) candidates.push([inner, 'ipv4']);
    }
    if (candidates.some(([a, t]) => this.allowedNets.check(a, t))) return { allowed: true };
    const hit = candidates.find(([a, t]) => this.blocked.check(a, t));
    if (hit)
      return {
        allowed: false,
        reason: `${host} resolves to ${ip}, an internal address (loopback, private, link-local, metadata or this machine)`,
      };
    return { allowed: true };
  }
}
