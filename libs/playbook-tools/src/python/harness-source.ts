/**
 * The Python program each python step runs in. Node sends `{code, vars, limits}` on stdin and reads one
 * JSON message from fd 3, a pipe the step's printed output never reaches.
 *
 * Two processes: a supervisor (the process node started) becomes a child subreaper, then forks the
 * runner, which applies the rlimits before any of the step's code runs. When the runner ends, or
 * node sends SIGTERM (wall time, abort, output cap), the supervisor kills and reaps every process the
 * step left behind, including ones that moved to their own session, then exits with the runner's status
 * (re-raising the signal that killed it).
 *
 * Step semantics (NoETL's `noetl/tools/python/executor.py`): the args are Python variables (strings
 * that hold a JSON or Python list/dict literal are parsed first) and `result` is the result; without a
 * `result`, the result is NoETL's status object `{status: "success", message, locals_count, locals_keys}`.
 * `context` (args, workload, vars, data, execution_id) is a global, as in NoETL. When the code defines `main(...)`, main is called with keyword arguments taken from the args (then
 * from `data` and the step context) and its return value is the result.
 */
export const HARNESS_SOURCE = String.raw`
import json, os, resource, signal, sys

_RESULT_FD = 3
_PR_SET_CHILD_SUBREAPER = 36
_OWNER = None


def _send(data):
    if os.getpid() != _OWNER:
        os._exit(0)
    view = memoryview(data)
    while view:
        written = os.write(_RESULT_FD, view)
        view = view[written:]
    os.close(_RESULT_FD)


def _limit(kind, value):
    resource.setrlimit(kind, (value, value))


def _apply_limits(limits):
    resource.setrlimit(resource.RLIMIT_CPU, (limits["cpu_seconds"], limits["cpu_seconds"] + 1))
    _limit(resource.RLIMIT_AS, limits["memory_bytes"])
    _limit(resource.RLIMIT_NPROC, limits["max_processes"])
    _limit(resource.RLIMIT_FSIZE, limits["max_file_bytes"])
    _limit(resource.RLIMIT_NOFILE, limits["max_open_files"])
    _limit(resource.RLIMIT_CORE, 0)


def _context(args):
    context = {"args": args}
    for key in ("workload", "vars", "data", "execution_id"):
        if key in args:
            context[key] = args[key]
    return context


def _resolve_kwargs(function, args):
    import inspect

    context = _context(args)
    sources = [args]
    for key in ("input", "data"):
        if isinstance(args.get(key), dict):
            sources.append(args[key])
    kwargs = {}
    takes_rest = False
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind == inspect.Parameter.VAR_POSITIONAL:
            raise TypeError("main(*args) is not supported in python steps; use keyword parameters")
        if parameter.kind == inspect.Parameter.VAR_KEYWORD:
            takes_rest = True
            continue
        if parameter.name == "context" and "context" not in args:
            kwargs["context"] = context
            continue
        for source in sources:
            if parameter.name in source:
                kwargs[parameter.name] = source[parameter.name]
                break
        else:
            if parameter.default is inspect.Parameter.empty:
                raise TypeError(
                    "main() needs argument '%s': provide it in the step's args or data" % parameter.name
                )
    if takes_rest:
        for source in sources:
            for key, value in source.items():
                kwargs.setdefault(key, value)
    return kwargs


def _coerce(value):
    if isinstance(value, str):
        text = value.strip()
        if (text.startswith("{") and text.endswith("}")) or (text.startswith("[") and text.endswith("]")):
            try:
                return json.loads(text)
            except ValueError:
                import ast

                try:
                    return ast.literal_eval(text)
                except (ValueError, SyntaxError, MemoryError, RecursionError):
                    return value
    return value


def _run(payload):
    given = {name: _coerce(value) for name, value in payload["vars"].items()}
    scope = dict(given)
    scope["__name__"] = "__step__"
    if "context" not in scope:
        scope["context"] = _context(given)
    exec(compile(payload["code"], "<step>", "exec"), scope)
    main = scope.get("main")
    if type(main).__name__ == "function":
        value = main(**_resolve_kwargs(main, given))
        if type(value).__name__ == "coroutine":
            import asyncio

            value = asyncio.run(value)
        return value
    if "result" in scope and ("result" not in given or scope["result"] is not given["result"]):
        return scope["result"]
    defined = [name for name in scope if not name.startswith("__") and name not in given and name != "context"]
    return {
        "status": "success",
        "message": "Code executed without explicit result variable",
        "locals_count": len(defined),
        "locals_keys": defined,
    }


def _failure(error):
    import traceback

    lines = traceback.format_exception(type(error), error, error.__traceback__)
    step_lines = [line for line in lines if "<step>" in line or not line.startswith("  File")]
    return {
        "ok": False,
        "type": type(error).__name__,
        "message": str(error)[:2000],
        "traceback": "".join(step_lines)[-4000:],
    }


def _runner(payload):
    global _OWNER
    _OWNER = os.getpid()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _apply_limits(payload["limits"])
    try:
        value = _run(payload)
    except BaseException as error:
        data = json.dumps(_failure(error))
    else:
        try:
            data = '{"ok": true, "result": ' + json.dumps(value, default=str, allow_nan=False) + "}"
        except (TypeError, ValueError, RecursionError) as error:
            data = json.dumps(
                {"ok": False, "type": "ResultError", "message": "result is not JSON-serialisable: %s" % error}
            )
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    _send(data.encode("utf-8"))
    os._exit(0)


class _Stop(Exception):
    pass


def _stop(signum, frame):
    raise _Stop()


def _children():
    me = os.getpid()
    try:
        with open("/proc/%d/task/%d/children" % (me, me)) as listing:
            return [int(pid) for pid in listing.read().split()]
    except OSError:
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open("/proc/%s/stat" % entry) as stat:
                        if int(stat.read().rsplit(")", 1)[1].split()[1]) == me:
                            found.append(int(entry))
                except (OSError, IndexError, ValueError):
                    pass
        return found


def _reap_all():
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:
        for pid in _children():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.wait()
        except ChildProcessError:
            return


def _exit_like(status):
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def _supervise():
    os.set_inheritable(_RESULT_FD, False)
    os.umask(0o077)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except Exception:
        pass
    payload = json.loads(sys.stdin.buffer.read())
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    signal.signal(signal.SIGTERM, _stop)
    runner = os.fork()
    if runner == 0:
        _runner(payload)
    os.close(_RESULT_FD)
    status = None
    try:
        _, status = os.waitpid(runner, 0)
    except _Stop:
        pass
    _reap_all()
    if status is None:
        os._exit(143)
    _exit_like(status)


_supervise()
`;
