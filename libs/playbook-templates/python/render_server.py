"""Renders Jinja2 templates in a SandboxedEnvironment for the playbook engine.

Started by @switchyard/playbook-templates with its settings as a JSON object in argv[1]. Reads one JSON
request per line on stdin and answers one JSON line per request on stdout, in order:

  {"id", "op": "compile", "t": budget_ms, "items": [{"k": "t"|"e", "s": source}]}
      -> {"id", "names": [[name, ...] | null per item], "errors": [{"index", "code", "message", "line"}]}
  {"id", "op": "render", "t": budget_ms, "ctx": {...}, "items": [...]}
      -> {"id", "values": [value, ...]}  or  {"id", "error": {"index", "code", "message", "line"}}

Kind "t" renders a template to text; kind "e" evaluates one expression to its JSON value.
"""

import json
import os
import resource
import signal
import sys

SETTINGS = json.loads(sys.argv[1])
MAX_OUTPUT = int(SETTINGS["maxOutputBytes"])
MEMORY_BYTES = int(SETTINGS["memoryBytes"])
MAX_INT_BITS = int(SETTINGS.get("maxIntBits", 100_000))
MAX_SEQUENCE_ITEMS = int(SETTINGS.get("maxSequenceItems", 1_000_000))
CACHE_SIZE = int(SETTINGS.get("cacheSize", 4096))


def import_everything():
    """Imports every module a render may need: after the privilege drop the interpreter's own files may be
    unreadable (for example under /root), so nothing may be imported lazily later."""
    import collections  # noqa: F401
    import encodings.ascii  # noqa: F401
    import encodings.latin_1  # noqa: F401
    import encodings.raw_unicode_escape  # noqa: F401
    import encodings.unicode_escape  # noqa: F401
    import encodings.utf_8  # noqa: F401
    import datetime  # noqa: F401
    import html  # noqa: F401
    import pprint  # noqa: F401
    import random  # noqa: F401
    import textwrap  # noqa: F401
    import unicodedata  # noqa: F401
    import urllib.parse  # noqa: F401

    import jinja2  # noqa: F401
    import jinja2.constants  # noqa: F401
    import jinja2.debug  # noqa: F401
    import jinja2.meta  # noqa: F401
    import jinja2.nativetypes  # noqa: F401
    import jinja2.parser  # noqa: F401
    import jinja2.sandbox  # noqa: F401


def drop_privileges():
    """When started as root, become an unprivileged user (no supplementary groups) for good."""
    if os.geteuid() != 0:
        return
    uid = SETTINGS.get("uid")
    gid = SETTINGS.get("gid")
    if uid is None:
        return
    os.setgroups([])
    os.setgid(int(gid if gid is not None else uid))
    os.setuid(int(uid))
    if os.geteuid() == 0 or os.getegid() == 0:
        raise SystemExit("could not drop root privileges")


def set_limits():
    """Caps the address space and forbids new processes, files and core dumps."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (16, 16))


import_everything()

import datetime  # noqa: E402
from collections import OrderedDict  # noqa: E402

import jinja2  # noqa: E402
from jinja2 import meta, nodes  # noqa: E402
from jinja2.environment import TemplateExpression  # noqa: E402
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError  # noqa: E402
from jinja2.parser import Parser  # noqa: E402
from jinja2.runtime import Undefined  # noqa: E402
from jinja2.sandbox import SandboxedEnvironment  # noqa: E402
from markupsafe import Markup  # noqa: E402


class RenderTimeout(BaseException):
    """Raised by the interval timer; a BaseException so that no filter's `except Exception` swallows it."""


class TooLarge(Exception):
    """A value or an output over its budget."""


def too_large_sequence(value, times):
    if isinstance(value, (str, list, tuple, bytes)) and isinstance(times, int) and not isinstance(times, bool):
        size = len(value) * max(times, 0)
        limit = MAX_OUTPUT if isinstance(value, (str, bytes)) else MAX_SEQUENCE_ITEMS
        if size > limit:
            raise TooLarge(f"repeating a {type(value).__name__} of length {len(value)} {times} times is over the limit of {limit}")
        return True
    return False


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


class PlaybookSandbox(SandboxedEnvironment):
    """Jinja2's sandbox, plus: unsafe attributes fail at once, and operators that could allocate or compute
    without bound (`*` on sequences and big integers, `**`) are checked before they run."""

    intercepted_binops = frozenset(["*", "**"])

    def unsafe_undefined(self, obj, attribute):
        raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe.")

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            if not too_large_sequence(left, right) and not too_large_sequence(right, left):
                if is_int(left) and is_int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                    raise TooLarge(f"integer product over {MAX_INT_BITS} bits")
        elif operator == "**":
            if is_int(left) and is_int(right) and abs(left) > 1 and right > 0:
                if right * abs(left).bit_length() > MAX_INT_BITS:
                    raise TooLarge(f"integer power over {MAX_INT_BITS} bits")
        return super().call_binop(context, operator, left, right)


def now():
    """The current UTC time as ISO 8601 with milliseconds, e.g. 2026-11-29T07:15:27.123Z."""
    moment = datetime.datetime.now(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


ENV = PlaybookSandbox(autoescape=False)
ENV.globals["now"] = now


class Compiled:
    __slots__ = ("run", "names")

    def __init__(self, run, names):
        self.run = run
        self.names = names


CACHE = OrderedDict()


def parse_expression(source):
    parser = Parser(ENV, source, state="variable")
    expr = parser.parse_expression()
    if not parser.stream.eos:
        raise TemplateSyntaxError("chunk after expression", parser.stream.current.lineno, None, None)
    tree = nodes.Template([nodes.Assign(nodes.Name("result", "store"), expr, lineno=1)], lineno=1)
    tree.set_environment(ENV)
    return tree


def compile_item(kind, source):
    key = (kind, source)
    found = CACHE.get(key)
    if found is not None:
        CACHE.move_to_end(key)
        return found
    if kind == "e":
        tree = parse_expression(source)
        names = sorted(meta.find_undeclared_variables(tree))
        expression = TemplateExpression(ENV.from_string(tree), False)
        compiled = Compiled(lambda ctx: expression(ctx), names)
    else:
        tree = ENV.parse(source)
        names = sorted(meta.find_undeclared_variables(tree))
        template = ENV.from_string(tree)
        compiled = Compiled(lambda ctx: render_text(template, ctx), names)
    CACHE[key] = compiled
    if len(CACHE) > CACHE_SIZE:
        CACHE.popitem(last=False)
    return compiled


def render_text(template, ctx):
    parts = []
    size = 0
    for part in template.generate(ctx):
        size += len(part)
        if size > MAX_OUTPUT:
            raise TooLarge(f"output over {MAX_OUTPUT} characters")
        parts.append(part)
    return "".join(parts)


def to_plain(value, depth=0):
    """A JSON-ready copy: undefined becomes null, tuples and iterables lists, other objects their text."""
    if depth > 200:
        raise TooLarge("value nested over 200 levels")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Undefined):
        return None
    if isinstance(value, Markup):
        return str(value)
    if isinstance(value, (str, int)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): to_plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset, range)):
        return [to_plain(v, depth + 1) for v in value]
    if hasattr(value, "__next__"):
        items = []
        for v in value:
            if len(items) >= MAX_SEQUENCE_ITEMS:
                raise TooLarge(f"sequence over {MAX_SEQUENCE_ITEMS} items")
            items.append(to_plain(v, depth + 1))
        return items
    return str(value)


def error_of(index, exc):
    line = getattr(exc, "lineno", None)
    if isinstance(exc, TemplateSyntaxError):
        code, message = "TEMPLATE_SYNTAX", exc.message or str(exc)
    elif isinstance(exc, RenderTimeout):
        code, message = "TEMPLATE_TIMEOUT", str(exc)
    elif isinstance(exc, (TooLarge, MemoryError, OverflowError)):
        code = "TEMPLATE_TOO_LARGE"
        message = str(exc) or "out of memory"
        if isinstance(exc, MemoryError):
            message = "the template needs more memory than a render may use"
    elif isinstance(exc, RecursionError):
        code, message = "TEMPLATE_ERROR", "recursion too deep"
    elif isinstance(exc, SecurityError):
        code, message = "TEMPLATE_ERROR", f"unsafe: {exc}"
    elif isinstance(exc, UndefinedError):
        code, message = "TEMPLATE_ERROR", str(exc)
    else:
        code, message = "TEMPLATE_ERROR", f"{type(exc).__name__}: {exc}"
    return {"index": index, "code": code, "message": message, "line": line if isinstance(line, int) else None}


class Budget:
    """Arms SIGALRM for one request; the handler raises only while a render is running."""

    active = False
    budget_ms = 0

    @classmethod
    def on_alarm(cls, _signum, _frame):
        if cls.active:
            cls.active = False
            raise RenderTimeout(f"the render took longer than its budget of {cls.budget_ms} ms")

    @classmethod
    def start(cls, budget_ms):
        cls.budget_ms = budget_ms
        cls.active = True
        signal.setitimer(signal.ITIMER_REAL, budget_ms / 1000.0)

    @classmethod
    def stop(cls):
        cls.active = False
        signal.setitimer(signal.ITIMER_REAL, 0)


signal.signal(signal.SIGALRM, Budget.on_alarm)


def compile_all(request):
    """Compiles every item under the request's budget (Jinja folds constant expressions while compiling)."""
    errors = []
    names = []
    index = 0
    Budget.start(int(request["t"]))
    try:
        for index, item in enumerate(request["items"]):
            try:
                names.append(compile_item(item["k"], item["s"]).names)
            except Exception as exc:
                names.append(None)
                errors.append(error_of(index, exc))
        Budget.stop()
    except BaseException as exc:  # noqa: B036 - the timeout is a BaseException on purpose
        Budget.stop()
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        errors.append(error_of(index, exc))
        names.extend([None] * (len(request["items"]) - len(names)))
    return {"errors": errors, "names": names}


def do_render(request):
    ctx = request.get("ctx") or {}
    values = []
    index = 0
    Budget.start(int(request["t"]))
    try:
        for index, item in enumerate(request["items"]):
            compiled = compile_item(item["k"], item["s"])
            value = compiled.run(ctx)
            if item["k"] == "e":
                plain = to_plain(value)
                if len(json.dumps(plain, ensure_ascii=False)) > MAX_OUTPUT:
                    raise TooLarge(f"value over {MAX_OUTPUT} characters as JSON")
                values.append(plain)
            else:
                values.append(value)
        Budget.stop()
    except BaseException as exc:  # noqa: B036 - the timeout is a BaseException on purpose
        Budget.stop()
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return {"error": error_of(index, exc)}
    return {"values": values}


WARM_UP = (
    "{% set d = {'a': [1, 2.5, 'x'], 'b': none} %}{{ d|tojson }}{{ d.a|map('string')|join(',')|upper|wordwrap(5) }}"
    "{{ d|pprint }}{{ 'a\\n<b>'|escape|striptags|title|center(9)|trim|replace('A', 'b')|urlencode|urlize }}"
    "{{ lipsum(1, false, 2, 3)|wordcount }}{{ '%s-%d'|format('x', 1) }}{{ '{0}'.format(1) }}{{ 3.7|round|int }}"
    "{{ [3, 1]|sort|first }}{{ [1, 1]|unique|list|last }}{{ range(3)|sum }}{{ 1234567|filesizeformat }}"
    "{{ d.items()|list|length }}{{ 'abc'|truncate(2, true, '', 0)|reverse }}{{ d|dictsort|list }}{{ now() }}"
    "{% for x in [1, 2]|batch(1) %}{{ loop.index }}{{ loop.cycle('a', 'b') }}{% endfor %}{{ 1 / 3 }}{{ 7 // 2 }}"
)


def warm_up():
    """Runs the lexer, compiler and most filters once while every module file is still readable."""
    compile_item("t", WARM_UP).run({})
    compile_item("e", "x * 2 ** 3")
    CACHE.clear()


OPS = {"compile": compile_all, "render": do_render}


def answer(message):
    data = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    sys.stdout.buffer.write(data + b"\n")
    sys.stdout.buffer.flush()


def serve():
    answer({"ready": True, "jinja2": jinja2.__version__, "uid": os.getuid(), "pid": os.getpid()})
    for line in sys.stdin.buffer:
        request_id = None
        try:
            request = json.loads(line)
            request_id = request.get("id")
            reply = OPS[request["op"]](request)
        except MemoryError:
            reply = {"error": error_of(0, MemoryError())}
        except Exception as exc:
            reply = {"error": {"index": 0, "code": "TEMPLATE_ERROR", "message": f"bad request: {type(exc).__name__}", "line": None}}
        reply["id"] = request_id
        try:
            answer(reply)
        except MemoryError:
            answer({"id": request_id, "error": error_of(0, MemoryError())})


warm_up()
drop_privileges()
set_limits()
# Writing to a regular file is refused by RLIMIT_FSIZE; turn the signal into an exception, not an exit.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
serve()
