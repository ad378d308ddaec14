import { isIP } from 'node:net';

/** 16 bytes of an IPv6 address in any textual form (`::`, embedded dotted quad, zone id), or undefined. */
export function ipv6Bytes(text: string): Uint8Array | undefined {
  const address = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(address) !== 6) return undefined;
  let head = address;
  let quad: number[] = [];
  const lastColon = address.lastIndexOf(':');
  const tailPart = address.slice(lastColon + 1);
  if (tailPart.includes('.')) {
    quad = tailPart.split('.').map(Number);
    head = `${address.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const leftGroups = left ? left.split(':') : [];
  const rightGroups = right ? right.split(':') : [];
  const missing = 8 - leftGroups.length - rightGroups.length;
  const groups = [...leftGroups, ...(right !== undefined ? Array(missing).fill('0') : []), ...rightGroups];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  if (quad.length === 4) bytes.set(quad, 12);
  return bytes;
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((value, i) => bytes[i] === value);
}

/**
 * The IPv4 address an IPv6 address carries, when it is one of the forms that reach an IPv4 host:
 * IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
 */
export function embeddedIpv4(bytes: Uint8Array): string | undefined {
  const quad = (from: number) => Array.from(bytes.subarray(from, from + 4)).join('.');
  const zeros = (n: number) => Array(n).fill(0) as number[];
  if (startsWith(bytes, [...zeros(10), 0xff, 0xff])) return quad(12);
  if (startsWith(bytes, zeros(12)) && !(bytes[12] === 0 && bytes[13] === 0 && bytes[14] === 0))
    return quad(12);
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, ...zeros(8)])) return quad(12);
  if (startsWith(bytes, [0x20, 0x02])) return quad(2);
  return undefined;
}
