import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateEngine } from './template-engine.js';
import { TEST_PYTHON } from './test-fixtures/python-bin.js';

/** What the operating system says about a running helper. */
function processFacts(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const uid = Number(/^Uid:\s+(\d+)/m.exec(status)![1]);
  const gid = Number(/^Gid:\s+(\d+)/m.exec(status)![1]);
  const groups = /^Groups:[ \t]*(.*)$/m.exec(status)![1]!.trim();
  const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
  const limit = (name: string) => new RegExp(`^${name}\\s+(\\S+)`, 'm').exec(limits)![1];
  return {
    uid,
    gid,
    groups,
    environ: readFileSync(`/proc/${pid}/environ`, 'utf8'),
    cwd: (() => {
      try {
        return readFileSync(`/proc/${pid}/cwd/.`, 'utf8');
      } catch (error) {
        return (error as NodeJS.ErrnoException).code;
      }
    })(),
    addressSpace: limit('Max address space'),
    processes: limit('Max processes'),
    fileSize: limit('Max file size'),
  };
}

describe('helper process containment', () => {
  let engine: TemplateEngine;
  beforeAll(async () => {
    process.env.PLAYBOOK_TEMPLATES_SANDBOX_PROBE = 'must-not-be-inherited';
    engine = await TemplateEngine.start({
      pythonBin: TEST_PYTHON,
      poolSize: 1,
      memoryLimitBytes: 256 * 1024 * 1024,
    });
  });
  afterAll(async () => {
    delete process.env.PLAYBOOK_TEMPLATES_SANDBOX_PROBE;
    await engine?.close();
  });

  it('starts with an empty environment and with limits on memory, processes and files', () => {
    const facts = processFacts(engine.helperPids()[0]!);
    expect(facts.environ).toBe('');
    expect(facts.addressSpace).toBe(String(256 * 1024 * 1024));
    expect(facts.processes).toBe('0');
    expect(facts.fileSize).toBe('0');
  });

  it('drops root for the unprivileged user (65534) with no supplementary groups', () => {
    const facts = processFacts(engine.helperPids()[0]!);
    const engineUid = process.getuid!();
    expect(facts.uid).toBe(engineUid === 0 ? 65534 : engineUid);
    expect(facts.uid).not.toBe(0);
    if (engineUid === 0) {
      expect(facts.gid).toBe(65534);
      expect(facts.groups).toBe('');
    }
  });

  it('still renders every filter family after dropping privileges (nothing imported late)', async () => {
    const template =
      '{{ "a b"|wordwrap(1) }}|{{ [1]|pprint }}|{{ lipsum(1, false, 5, 6)|wordcount > 4 }}|{{ "x&y"|urlencode }}|' +
      '{{ "<b>"|escape }}|{{ "%5.1f"|format(2.25) }}|{{ "{:>3}".format(1) }}|{{ 1234567|filesizeformat }}|' +
      '{{ "ü"|upper }}|{{ "x"|center(3) }}|{{ "https://example.com"|urlize }}';
    expect(await engine.renderString(template, {})).toBe(
      'a\nb|[1]|True|x%26y|&lt;b&gt;|  2.2|  1|1.2 MB|Ü| x |<a href="https://example.com" rel="noopener">https://example.com</a>',
    );
  });
});
