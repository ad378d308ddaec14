import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateEngine } from './template-engine.js';
import { TemplateError } from './template-error.js';
import { TEST_PYTHON } from './test-fixtures/python-bin.js';

/**
 * Every attack must end in a TemplateError, and nothing that comes back (value or message) may hold a secret
 * from the engine's environment, a file's content or the output of a command.
 */
const SECRET_NAME = 'PLAYBOOK_TEMPLATES_TEST_SECRET';
const secret = `s3cret-${randomBytes(12).toString('hex')}`;

const JS_ATTACKS = [
  '{{ range.constructor("return process.env")() }}',
  '{{ range.constructor("return process.getBuiltinModule(\\"child_process\\").execSync(\\"id\\").toString()")() }}',
  '{{ "".constructor.constructor("return process.env")() }}',
  '{{ joiner.constructor("return process.env")() }}',
  '{{ now.constructor("return process.env")() }}',
  '{{ cycler.constructor("return this")().process.env }}',
];

const JINJA_ATTACKS = [
  "{{ ''.__class__.__mro__[1].__subclasses__() }}",
  '{{ self.__init__.__globals__ }}',
  "{{ lipsum.__globals__['os'].popen('id').read() }}",
  '{{ cycler.__init__.__globals__ }}',
  "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
  "{{ joiner.__init__.__globals__['os'].environ }}",
  '{{ namespace.__init__.__globals__ }}',
  "{{ ''.__class__ }}",
  '{{ dict.mro() }}',
  "{{ lipsum|attr('__globals__') }}",
  '{{ ("{0.__class__.__mro__}"|attr("format"))(1) }}',
  '{% set f = "{0.__class__}".format %}{{ f(1) }}',
  '{{ "{0.__init__.__globals__}".format(lipsum) }}',
  '{{ "{x.__class__}".format_map({"x": 1}) }}',
  '{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}',
  '{{ self._TemplateReference__context }}',
  '{{ step.__class__.__init__.__globals__ }}',
  '{{ step.items.__self__.__class__ }}',
  "{{ (lipsum|attr('__glo' ~ 'bals__'))['os'] }}",
  '{% include "/etc/passwd" %}',
  '{% import "os" as os %}{{ os }}',
  '{% extends "/etc/hostname" %}',
  '{% from "/etc/hosts" import x %}{{ x }}',
];

describe('template attacks', () => {
  let engine: TemplateEngine;
  beforeAll(async () => {
    process.env[SECRET_NAME] = secret;
    engine = await TemplateEngine.start({ pythonBin: TEST_PYTHON });
  });
  afterAll(async () => {
    delete process.env[SECRET_NAME];
    await engine?.close();
  });

  const context = { step: { items: [1], name: 'x' } };

  async function expectContained(run: () => Promise<unknown>): Promise<TemplateError> {
    const outcome = await run().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    const seen = JSON.stringify(outcome, (_k, v: unknown) =>
      v instanceof Error ? `${v.name} ${v.message}` : v,
    );
    expect(seen).not.toContain(secret);
    expect(seen).not.toMatch(/uid=\d+/);
    expect(seen).not.toContain('root:x:0:0');
    expect('error' in outcome, `no error, got ${seen}`).toBe(true);
    const error = (outcome as { error: unknown }).error;
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }

  it.each([...JS_ATTACKS, ...JINJA_ATTACKS])('renderString refuses %s', async (attack) => {
    const error = await expectContained(() => engine.renderString(attack, context));
    expect(error.code).toBe('TEMPLATE_ERROR');
  });

  it.each(JINJA_ATTACKS.filter((a) => a.startsWith('{{')).map((a) => a.slice(2, -2)))(
    'evaluateExpression and evaluateCondition refuse %s',
    async (expression) => {
      await expectContained(() => engine.evaluateExpression(expression, context));
      await expectContained(() => engine.evaluateCondition(expression, context));
    },
  );

  it('refuses attacks inside text and nested values', async () => {
    await expectContained(() =>
      engine.renderValue(
        { url: 'http://x/{{ range.constructor("return process.env")() }}', args: [JINJA_ATTACKS[2]] },
        {},
      ),
    );
  });

  it('names the unsafe attribute in its message', async () => {
    const error = await expectContained(() => engine.renderString(JINJA_ATTACKS[0]!, {}));
    expect(error.message).toMatch(/unsafe: access to attribute '__class__' of 'str' object is unsafe/);
  });
});
