# The notebook driver that runs inside each GraalPy worker context.
#
# The worker evaluates this file once; it returns `run_cell`, `drop_session` and `install`.
# Each session is a plain dict used as globals, so a new problem is a new dict in a warm
# context (no GraalPy start-up, no sympy import). Cells run like a Jupyter cell: all statements
# are executed, and a trailing expression statement is evaluated and its repr shown when it
# is not None. stdout and stderr go to one bounded capture, so they interleave in order and
# a 100 MB print cannot exhaust memory.
import ast
import builtins
import linecache
import sys
import traceback
import importlib.machinery as _importlib_machinery
import os as _os

_DRIVER = "calx-driver.py"  # the source name the worker gives this file
_sessions = {}
_cell_counter = [0]
_current = [None]  # (capture, saved streams) of the running cell, for recovery after an interrupt


# ---------------------------------------------------------------- recursion limit
#
# GraalPy keeps the value of sys.setrecursionlimit but does not enforce it: recursion ends only
# when the Python thread's Java stack overflows (about 7700 frames of a small function on the
# worker's 32 MB stack), and the maintainers say so (oracle/graalpython#362: the JVM fixes a
# thread's stack size when the thread starts). CPython, which produced the training data, stops
# at the limit (1000 by default). So the driver counts it itself: every function a cell defines
# that mentions its own name (def, not lambda, generator or async def) is compiled with a depth
# count around its body (see _CountCalls); past the limit it raises RecursionError.
# sys.setrecursionlimit / getrecursionlimit set and read this limit, per session. Other code
# (mutual recursion through other names, sympy, exec'd strings, lambdas, generators) is still
# bounded by the stack only; either way the cell ends with a RecursionError.


class _Depth:
    __slots__ = ("n", "limit")

    def __init__(self):
        self.n = 0
        self.limit = 1000


_depth = _Depth()
_default_limit = [1000]
_limits = {}  # session id -> its recursion limit
_graal_setrecursionlimit = sys.setrecursionlimit


def _setrecursionlimit(limit):
    """sys.setrecursionlimit with CPython's checks; the new limit applies to the cell's functions."""
    if not isinstance(limit, int) or isinstance(limit, bool):
        raise TypeError("'%s' object cannot be interpreted as an integer" % type(limit).__name__)
    if limit < 1:
        raise ValueError("recursion limit must be greater or equal than 1")
    if limit <= _depth.n:
        raise RecursionError("cannot set the recursion limit to %d at the recursion depth %d: the limit is too low"
                             % (limit, _depth.n))
    _depth.limit = limit
    try:
        _graal_setrecursionlimit(limit)  # keeps GraalPy's own value (unenforced) in step
    except BaseException:
        pass


def _getrecursionlimit():
    return _depth.limit


def _is_generator(fn):
    """Whether a def is a generator (a yield of its own, not of a nested function or class)."""
    todo = list(fn.body)
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.Yield, ast.YieldFrom, ast.Await)):
            return True
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            todo.extend(n.decorator_list if hasattr(n, "decorator_list") else [])
            continue
        todo.extend(ast.iter_child_nodes(n))
    return False


def _calls_itself(fn):
    """Whether a def mentions its own name (f(...), self.f(...)): the functions that can recurse directly."""
    for n in ast.walk(fn):
        if isinstance(n, ast.Name) and n.id == fn.name and isinstance(n.ctx, ast.Load):
            return True
        if isinstance(n, ast.Attribute) and n.attr == fn.name:
            return True
    return False


def _overflow():
    _depth.n -= 1
    raise RecursionError("maximum recursion depth exceeded")


def _depth_attr(store):
    return ast.Attribute(ast.Name("__calx_depth__", ast.Load()), "n", ast.Store() if store else ast.Load())


class _CountCalls(ast.NodeTransformer):
    """def f(...): body  ->  def f(...):
                                [docstring]
                                __calx_depth__.n += 1
                                if __calx_depth__.n > __calx_depth__.limit: __calx_overflow__()
                                try: body
                                finally: __calx_depth__.n -= 1
    for defs that mention their own name and are not generators (inline, without calls: a call
    per call would make call-heavy code about 4x slower in GraalPy's interpreter)."""

    def visit_FunctionDef(self, node):
        self.generic_visit(node)
        if _is_generator(node) or not _calls_itself(node):
            return node
        body = node.body
        doc = []
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            doc, body = body[:1], body[1:]
        first = body[0] if body else node
        inc = ast.AugAssign(_depth_attr(True), ast.Add(), ast.Constant(1))
        limit = ast.Attribute(ast.Name("__calx_depth__", ast.Load()), "limit", ast.Load())
        check = ast.If(ast.Compare(_depth_attr(False), [ast.Gt()], [limit]),
                       [ast.Expr(ast.Call(ast.Name("__calx_overflow__", ast.Load()), [], []))], [])
        dec = ast.AugAssign(_depth_attr(True), ast.Sub(), ast.Constant(1))
        guarded = ast.Try(body=body or [ast.Pass()], handlers=[], orelse=[], finalbody=[ast.copy_location(dec, first)])
        node.body = doc + [ast.copy_location(inc, node), ast.copy_location(check, node), ast.copy_location(guarded, first)]
        return node


class _WriteOnly:
    """What a write-only stream answers besides write (the cell output is neither a terminal nor a file)."""

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def isatty(self):
        return False

    def writable(self):
        return True

    def readable(self):
        return False

    def fileno(self):
        raise OSError("the cell output has no file descriptor")


class _BytesInto(_WriteOnly):
    """The binary side of a _Capture (its .buffer): decodes what is written into the text."""

    def __init__(self, text):
        import codecs
        self._text = text
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def write(self, b):
        if isinstance(b, str):
            raise TypeError("a bytes-like object is required, not 'str'")
        b = bytes(b)
        s = self._decoder.decode(b)
        if s:
            self._text.write(s)
        return len(b)

    def close(self):
        s = self._decoder.decode(b"", True)
        if s:
            self._text.write(s)


class _Capture(_WriteOnly):
    """Collects everything written, keeping at most `keep` characters of head and of tail."""

    def __init__(self, keep):
        self.keep = keep
        self.head = []
        self.head_n = 0
        self.tail = []
        self.tail_n = 0
        self.total = 0
        self._buffer = None

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError("write() argument must be str, not " + type(s).__name__)
        n = len(s)
        self.total += n
        if self.head_n < self.keep:
            k = min(n, self.keep - self.head_n)
            self.head.append(s[:k])
            self.head_n += k
            s = s[k:]
        if s:
            self.tail.append(s)
            self.tail_n += len(s)
            if self.tail_n > 2 * self.keep + 4096:
                joined = "".join(self.tail)[-self.keep:]
                self.tail = [joined]
                self.tail_n = len(joined)
        return n

    @property
    def encoding(self):
        return "utf-8"

    @property
    def errors(self):
        return "strict"

    @property
    def buffer(self):
        """Bytes written here (sys.stdout.buffer.write(b"...")) join the text as UTF-8, with
        U+FFFD for bytes that are not, a sequence split across writes kept whole."""
        if self._buffer is None:
            self._buffer = _BytesInto(self)
        return self._buffer

    def text(self, limit):
        """Returns (text, truncated): whole when it fits in `limit`, else head + note + tail."""
        if self._buffer is not None:
            self._buffer.close()
        head = "".join(self.head)
        tail = "".join(self.tail)
        if self.total <= limit:
            return head + tail, False
        a = limit // 2
        b = limit - a
        end = tail[-b:] if len(tail) >= b else (head + tail)[-b:]
        cut = self.total - a - b
        return head[:a] + "\n[... " + str(cut) + " characters cut ...]\n" + end, True


def _exit(code=None):
    raise SystemExit() if code is None else SystemExit(code)


def _denied(what):
    def deny(*args, **kwargs):
        raise PermissionError("sandbox: %s is not allowed" % what)
    return deny


# The context already refuses these (allowCreateProcess(false) and friends); replacing them in
# Python turns GraalPy's host SecurityException into a plain PermissionError the cell can see.
_PROCESS_FUNCTIONS = ("system", "popen", "fork", "forkpty", "execv", "execve", "execl", "execle",
                      "execlp", "execlpe", "execvp", "execvpe", "spawnv", "spawnve", "spawnl",
                      "spawnle", "spawnlp", "spawnlpe", "spawnvp", "spawnvpe", "posix_spawn",
                      "posix_spawnp", "kill", "killpg")


def _is_cpython_extension(path):
    return path.endswith(".so") and (".cpython-" in path or path.endswith(".abi3.so"))


class _NoCPythonExtensions:
    """A meta path finder for what GraalPy cannot load: CPython extension modules, as Debian's
    numpy (beside its sympy on the python path) holds. Such a module is a ModuleNotFoundError
    naming its file, so a package with a pure-Python fallback (PyYAML without _yaml) imports as
    before; a top-level package of a site- or dist-packages directory that fails for want of one
    says so in one line, where numpy's own message ended in "Original error was: No module named
    'numpy.core._multiarray_umath'". `try: import numpy` / `except ImportError:` still works."""

    refused = []

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        # it sits just before PathFinder and returns PathFinder's own spec: one lookup, as before
        spec = _importlib_machinery.PathFinder.find_spec(name, path, target)
        if spec is None:
            # GraalPy's import system does not see CPython's suffixes at all: look for one
            # only when nothing else was found, so that a found module costs nothing more
            last = name.rpartition(".")[2]
            for d in (path if path is not None else sys.path):
                try:
                    files = _os.listdir(d or ".")
                except OSError:
                    continue
                for f in files:
                    if f.startswith(last + ".") and _is_cpython_extension(f):
                        cls.refused.append(_os.path.join(d, f))
                        raise ModuleNotFoundError("No module named '%s' here: %s is a CPython extension module, which "
                                                  "GraalPy cannot load" % (name, f), name=name)
            return None
        origin = spec.origin
        if path is None and origin and "-packages" in origin and spec.loader is not None:
            spec.loader = _Explained(spec.loader, _os.path.dirname(_os.path.dirname(origin))
                                     if spec.submodule_search_locations else _os.path.dirname(origin))
        return spec


class _Explained:
    """The loader of a top-level package from site- or dist-packages: an ImportError that comes
    from a refused extension module becomes one line naming it (the other attributes are the
    loader's own)."""

    def __init__(self, inner, base):
        self._inner = inner
        self._base = base

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module):
        before = len(_NoCPythonExtensions.refused)
        try:
            self._inner.exec_module(module)
        except ImportError:
            refused = _NoCPythonExtensions.refused[before:]
            if not refused:
                raise
            raise ModuleNotFoundError("No module named '%s' here: it needs %s, a CPython extension module, which "
                                      "GraalPy cannot load" % (module.__name__, _os.path.relpath(refused[0], self._base)),
                                      name=module.__name__) from None


def install(recursion_limit, lookup):
    """Called once per context: limits, exits that end the cell, unicodedata.lookup from Java."""
    _default_limit[0] = recursion_limit
    _depth.limit = recursion_limit
    _graal_setrecursionlimit(recursion_limit)
    sys.setrecursionlimit = _setrecursionlimit
    sys.getrecursionlimit = _getrecursionlimit
    builtins.__calx_depth__ = _depth
    builtins.__calx_overflow__ = _overflow
    # Python 3.12 warns about "\l" in docstrings at compile time; the CPython (3.11 and older)
    # that produced the training data stayed silent, and models often write LaTeX in docstrings.
    import warnings
    warnings.filterwarnings("ignore", category=SyntaxWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    builtins.exit = _exit
    builtins.quit = _exit
    finders = [f for f in sys.meta_path if f is _importlib_machinery.PathFinder]
    sys.meta_path.insert(sys.meta_path.index(finders[0]) if finders else len(sys.meta_path), _NoCPythonExtensions)
    import os
    os._exit = _exit
    for name in _PROCESS_FUNCTIONS:
        if hasattr(os, name):
            setattr(os, name, _denied("process creation (os.%s)" % name))
    try:
        import _posixsubprocess
        _posixsubprocess.fork_exec = _denied("process creation (subprocess)")
    except ImportError:
        pass
    import _thread
    import threading
    _thread.start_new_thread = _thread.start_new = _denied("thread creation")
    threading._start_new_thread = _thread.start_new_thread
    try:
        import _socket

        class _NoSocket(_socket.socket):
            __slots__ = ()

            def __init__(self, *args, **kwargs):
                raise PermissionError("sandbox: network access (socket) is not allowed")

        _socket.socket = _socket.SocketType = _NoSocket
        for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr",
                     "getnameinfo", "socketpair", "fromfd"):
            if hasattr(_socket, name):
                setattr(_socket, name, _denied("network access (socket.%s)" % name))
    except ImportError:
        pass
    if lookup is not None:
        import unicodedata

        def _lookup(name):
            cp = lookup(str(name))
            if cp < 0:
                raise KeyError("undefined character name '%s'" % name)
            return chr(cp)

        unicodedata.lookup = _lookup


def _new_namespace():
    return {"__name__": "__main__", "__builtins__": builtins}


def drop_session(sid):
    _sessions.pop(sid, None)
    _limits.pop(sid, None)


_TB_KEEP = 30  # frames kept at each end of a long traceback (deep recursion has thousands)


def _format_one(e):
    frames = [(f, n) for f, n in traceback.walk_tb(e.__traceback__) if f.f_code.co_filename != _DRIVER]
    if len(frames) > 2 * _TB_KEEP:
        omitted = len(frames) - 2 * _TB_KEEP
        lines = (traceback.StackSummary.extract(iter(frames[:_TB_KEEP])).format()
                 + ["  [... %d frames omitted ...]\n" % omitted]
                 + traceback.StackSummary.extract(iter(frames[-_TB_KEEP:])).format())
    else:
        lines = traceback.StackSummary.extract(iter(frames)).format()
    head = ["Traceback (most recent call last):\n"] if frames else []
    return "".join(head + lines + traceback.format_exception_only(type(e), e))


def _user_traceback(e, parsed):
    if not parsed:  # a SyntaxError of the cell itself: no frames worth showing
        return "".join(traceback.format_exception_only(type(e), e))
    parts = []
    seen = set()
    while e is not None and id(e) not in seen and len(parts) < 5:  # the chain, oldest first
        seen.add(id(e))
        parts.append(_format_one(e))
        if e.__cause__ is not None:
            parts.append("\nThe above exception was the direct cause of the following exception:\n\n")
            e = e.__cause__
        elif e.__context__ is not None and not e.__suppress_context__:
            parts.append("\nDuring handling of the above exception, another exception occurred:\n\n")
            e = e.__context__
        else:
            e = None
    if len(parts) > 1 and parts[-1].startswith("\n"):
        parts.pop()
    return "".join(reversed(parts))


def run_cell(sid, code, limit):
    """Runs one cell in session `sid`; returns (output, truncated, error, traceback)."""
    ns = _sessions.get(sid)
    if ns is None:
        ns = _new_namespace()
        _sessions[sid] = ns
    cap = _Capture(limit)
    saved = (sys.stdout, sys.stderr)
    _current[0] = (cap, saved)
    _depth.n = 0  # a cell stopped by an interrupt may not have run its finally blocks
    _depth.limit = _limits.get(sid, _default_limit[0])
    sys.stdout = cap
    sys.stderr = cap
    error = None
    tb_text = None
    parsed = False
    try:
        _cell_counter[0] += 1
        name = "<cell-%d>" % _cell_counter[0]
        linecache.cache[name] = (len(code), None, code.splitlines(True), name)
        tree = ast.parse(code, name, "exec")
        parsed = True
        tree = ast.fix_missing_locations(_CountCalls().visit(tree))
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        exec(compile(tree, name, "exec"), ns)
        if last is not None:
            value = eval(compile(last, name, "eval"), ns)
            if value is not None:
                cap.write(repr(value) + "\n")
    except BaseException as e:  # SystemExit and KeyboardInterrupt end the cell, not the worker
        try:
            error = "".join(traceback.format_exception_only(type(e), e)).strip().splitlines()[-1]
            tb_text = _user_traceback(e, parsed)
        except BaseException as e2:
            error = type(e).__name__
            tb_text = "(traceback unavailable: %s)" % type(e2).__name__
    finally:
        sys.stdout, sys.stderr = saved
        _current[0] = None
        _limits[sid] = _depth.limit
    text, truncated = cap.text(limit)
    return (text, truncated, error, tb_text)


def recover(limit):
    """After the worker interrupted a cell: restores the streams, returns (output, truncated)."""
    state = _current[0]
    _current[0] = None
    if state is None:
        return ("", False)
    cap, saved = state
    sys.stdout, sys.stderr = saved
    return cap.text(limit)


(run_cell, drop_session, install, recover)
