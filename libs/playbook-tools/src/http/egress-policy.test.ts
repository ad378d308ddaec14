import { describe, expect, it } from 'vitest';
import { EgressPolicy } from './egress-policy.js';

const refused = [
  '127.0.0.1',
  '127.8.9.10',
  '0.0.0.0',
  '10.1.2.3',
  '172.20.0.5',
  '192.168.1.1',
  '100.64.0.1',
  '169.254.169.254',
  '224.0.0.1',
  '255.255.255.255',
  '::',
  '::1',
  'fe80::1',
  'fd00:ec2::254',
  'fc00::5',
  'ff02::1',
  '::ffff:127.0.0.1',
  '::ffff:7f00:1',
  '::ffff:169.254.169.254',
  '::ffff:a9fe:a9fe',
  '64:ff9b::a9fe:a9fe',
  '2002:7f00:1::',
  '::127.0.0.1',
];
const permitted = ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'];

describe('EgressPolicy', () => {
  const policy = new EgressPolicy();

  it.each(refused)('refuses %s by default', (address) => {
    const verdict = policy.check('example.test', address);
    expect(verdict.allowed).toBe(false);
    expect(verdict.reason).toContain('internal address');
  });

  it.each(permitted)('permits the public address %s', (address) => {
    expect(policy.check('example.test', address).allowed).toBe(true);
  });

  it("refuses this machine's own interface addresses", async () => {
    const { networkInterfaces } = await import('node:os');
    const own = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
    for (const address of own) expect(policy.check('self', address).allowed, address).toBe(false);
  });

  it('opens CIDRs, single addresses, host names and *.domain patterns from the allow list', () => {
    const open = new EgressPolicy(['10.0.0.0/8', '127.0.0.1', 'db.internal', '*.corp.example', 'fd00::/8']);
    expect(open.check('x', '10.200.3.4').allowed).toBe(true);
    expect(open.check('x', '::ffff:10.1.1.1').allowed).toBe(true);
    expect(open.check('x', '127.0.0.1').allowed).toBe(true);
    expect(open.check('x', '127.0.0.2').allowed).toBe(false);
    expect(open.check('DB.internal.', '192.168.9.9').allowed).toBe(true);
    expect(open.check('api.corp.example', '172.16.0.1').allowed).toBe(true);
    expect(open.check('corp.example.evil', '172.16.0.1').allowed).toBe(false);
    expect(open.check('x', 'fd00:ec2::254').allowed).toBe(true);
    expect(open.check('x', '169.254.169.254').allowed).toBe(false);
  });

  it('rejects a malformed CIDR', () => {
    expect(() => new EgressPolicy(['10.0.0.0/40'])).toThrow(/prefix length/);
  });
});
