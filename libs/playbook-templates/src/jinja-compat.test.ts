import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateEngine } from './template-engine.js';
import { TemplateError } from './template-error.js';
import { singleExpression } from './template-source.js';
import { TEST_PYTHON } from './test-fixtures/python-bin.js';

/**
 * Each template is rendered by the engine and by the real Jinja2 (a plain `jinja2.Environment()` run with
 * python3 -c): text must match exactly; a lone `{{ expr }}` must give the value Jinja2's compile_expression
 * gives; an error in Jinja2 must be a TemplateError here.
 */
const CONTEXT = {
  n: 3,
  name: 'switchyard',
  flag: true,
  empty: '',
  nothing: null,
  items: [3, 1, 2, 2],
  data: { a: { b: 1 }, items: ['i'], 'key with space': 'v', zeta: 0 },
  users: [
    { name: 'ann', role: 'admin', active: true, age: 31 },
    { name: 'bob', role: 'user', active: false, age: 25 },
    { name: 'cid', role: 'user', active: true, age: 40 },
  ],
  text: 'Hello World',
  price: '19.90',
};

const TABLE: string[] = [
  // filters
  '{{ items|length }}',
  '{{ name|upper }}',
  '{{ missing|default("fallback") }}',
  '{{ nothing|default("x", true) }}',
  '{{ empty|default("was empty", true) }}',
  '{{ "42"|int + 1 }}',
  '{{ "abc"|int }}',
  '{{ price|float * 2 }}',
  '{{ "0x1A"|int(base=16) }}',
  '{{ users|map(attribute="name")|list }}',
  '{{ users|map(attribute="name")|join(", ") }}',
  '{{ users|selectattr("active")|map(attribute="name")|list }}',
  '{{ users|rejectattr("active")|list|length }}',
  '{{ users|sort(attribute="age", reverse=true)|map(attribute="name")|first }}',
  '{{ users|groupby("role")|map(attribute="grouper")|list }}',
  '{{ users|sum(attribute="age") }}',
  '{{ data|tojson }}',
  '{{ {"q": "<a & b>", "u": "é"}|tojson }}',
  '{{ items|sum }}',
  '{{ items|first }} {{ items|last }} {{ items|min }} {{ items|max }}',
  '{{ items|sort }}',
  '{{ items|unique|list }}',
  '{{ items|select("odd")|list }}',
  '{{ items|map("string")|join("-") }}',
  '{{ text|replace("o", "0")|lower }}',
  '{{ "  pad  "|trim }}|',
  '{{ 3.14159|round(2) }}',
  '{{ 2.5|round }} {{ 3.5|round(method="floor") }}',
  '{{ text|title }} {{ text|wordcount }} {{ text|reverse }}',
  '{{ "%05d|%-4s|%.2f"|format(42, "ab", 1.005) }}',
  '{{ -5|abs }} {{ 7|string ~ "!" }}',
  '{{ data|dictsort }}',
  '{{ text|truncate(9, true, "...", 0) }}',
  '{{ items|batch(3)|list }}',
  // arithmetic
  '{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ 7 / 2 }}',
  '{{ 2 ** 10 }} {{ 2 ** -1 }}',
  '{{ (1 + 2) * 3 - 4 }}',
  '{{ 0.1 + 0.2 }}',
  '{{ 10 / 4 * 2 }}',
  '{{ n * 1.5 }}',
  '{{ 1 / 0 }}',
  // string repetition and concatenation
  '{{ "x" * 3 }}',
  '{{ "ab" * 0 }}|',
  '{{ "-" * n }}>',
  '{{ [1, 2] * 2 }}',
  '{{ "a" ~ 1 ~ nothing ~ flag }}',
  '{{ "a" + "b" }}',
  '{{ "a" + 1 }}',
  // undefined handling
  '{{ missing }}',
  '[{{ missing }}]',
  '{{ missing is defined }} {{ data.a is defined }}',
  '{{ missing.attr }}',
  '{{ data.nope }}',
  'x{{ data.nope }}y',
  '{{ missing|default(0) + 1 }}',
  '{{ data.nope is none }} {{ nothing is none }}',
  '{% if missing %}yes{% else %}no{% endif %}',
  // dict and list access
  '{{ data.a.b }}',
  '{{ data["a"]["b"] }}',
  '{{ data["key with space"] }}',
  '{{ data["items"] }}',
  '{{ items[0] }} {{ items[-1] }}',
  '{{ items[1:3] }}',
  '{{ items[10] }}',
  '{{ data.get("zeta", 5) }} {{ data.get("nope", 5) }}',
  '{{ data.keys()|list }}',
  '{{ "a" in data }} {{ 2 in items }}',
  '{{ users[0].name }} {{ users[1]["role"] }}',
  'v={{ data }}',
  '{{ "a,b,c".split(",") }}',
  // loops and control flow
  '{% for i in items %}{{ i }},{% endfor %}',
  '{% for u in users %}{{ loop.index }}:{{ u.name }}{% if not loop.last %};{% endif %}{% endfor %}',
  '{% for k, v in data|dictsort %}{{ k }}={{ v }} {% endfor %}',
  '{% for i in range(3) %}{{ i }}{% else %}none{% endfor %}',
  '{% for i in [] %}{{ i }}{% else %}empty{% endfor %}',
  '{% set ns = namespace(total=0) %}{% for i in items %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}',
  '{% for u in users if u.active %}{{ u.name }}{% endfor %}',
  '{% for a in [1, 2] %}{% for b in [3, 4] %}{{ a * b }} {% endfor %}{% endfor %}',
  '{% for i in range(1, 10, 3) %}{{ loop.revindex }}{{ loop.cycle("a", "b") }}{% endfor %}',
  '{% if n > 2 %}big{% elif n > 0 %}small{% else %}zero{% endif %}',
  '{{ "yes" if flag else "no" }}',
  '{{ n is even }} {{ n is odd }} {{ n is divisibleby 3 }}',
  '{% macro hi(who, punct="!") %}hi {{ who }}{{ punct }}{% endmacro %}{{ hi("bob") }} {{ hi("ann", "?") }}',
  '{% set x = 5 %}{{ x * 2 }}',
  '{%- if flag -%}  trimmed  {%- endif -%}',
  'line {{ n }}\n',
  '{{ n > 2 }}',
  '{{ none }}',
  '{{ [1, "two", none, true, 2.5] }}',
  '{{ {"k": [1, {"d": none}]} }}',
  '{{ (1, 2) }}',
  '{{ users|selectattr("age", "gt", 30)|map(attribute="name")|list }}',
  '{{ "%s-%s"|format("a", 1) }}',
  '{{ n + }}',
  '{% for %}',
];

const ORACLE = String.raw`
import json, sys
import jinja2
env = jinja2.Environment()
payload = json.load(sys.stdin)
ctx = payload["context"]
out = []
for case in payload["cases"]:
    try:
        if case["expression"] is not None:
            value = env.compile_expression(case["expression"], undefined_to_none=True)(**ctx)
        else:
            value = env.from_string(case["template"]).render(**ctx)
        out.append({"value": json.loads(json.dumps(value, default=list))})
    except Exception as exc:
        out.append({"error": type(exc).__name__})
print(json.dumps(out))
`;

type OracleResult = { value: unknown } | { error: string };

function runJinja2(cases: Array<{ template: string; expression: string | null }>): OracleResult[] {
  const result = spawnSync(TEST_PYTHON, ['-c', ORACLE], {
    input: JSON.stringify({ context: CONTEXT, cases }),
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status !== 0) throw new Error(`python3 with jinja2 failed: ${result.stderr || result.error}`);
  return JSON.parse(result.stdout) as OracleResult[];
}

describe('Jinja2 compatibility', () => {
  let engine: TemplateEngine;
  let expected: OracleResult[];
  beforeAll(async () => {
    engine = await TemplateEngine.start({ pythonBin: TEST_PYTHON });
    expected = runJinja2(
      TABLE.map((template) => ({ template, expression: singleExpression(template) ?? null })),
    );
  });
  afterAll(() => engine?.close());

  it('has a table of at least 40 templates covering filters, arithmetic, undefined, access and loops', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
    expect(expected).toHaveLength(TABLE.length);
  });

  it.each(TABLE.map((template, index) => [index, template] as const))(
    '#%i %s renders as Jinja2 does',
    async (index, template) => {
      const oracle = expected[index]!;
      const ours = await engine.renderString(template, CONTEXT).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      if ('error' in oracle) {
        expect('error' in ours, `Jinja2 raised ${oracle.error}, we returned ${JSON.stringify(ours)}`).toBe(
          true,
        );
        expect((ours as { error: unknown }).error).toBeInstanceOf(TemplateError);
      } else {
        expect(ours).toEqual({ value: oracle.value });
      }
    },
  );
});
