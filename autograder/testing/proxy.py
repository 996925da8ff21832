"""What a hidden test holds instead of the student's module: calls become messages to the sandbox.

``student.softmax_temperature(x, 0.5)`` sends the arguments to the child and returns the result as
plain data (NumPy arrays, numbers, strings, lists, tuples, dicts), with a ``Handle``
(``autograder.testing.remote``) in place of any object that is not plain data. When the student's
code fails, the call raises a ``StudentError`` whose ``feedback`` is written for the student.
"""

from __future__ import annotations

import builtins
import functools
from typing import Any

from autograder.sandbox.outcomes import ErrorInfo
from autograder.sandbox.run import SubmissionRun
from autograder.sandbox.wire import HandleRef
from autograder.testing.remote import Handle


class StudentError(Exception):
    """The student's function did not return normally. ``feedback`` says why, in plain words."""

    def __init__(self, function: str, info: ErrorInfo, feedback: str) -> None:
        super().__init__(feedback)
        self.function = function
        self.info = info
        self.feedback = feedback

    def is_instance_of(self, exception_name: str) -> bool:
        """Whether the student's exception is (a subclass of) the named built-in exception."""
        return exception_name in self.info.types


MIRRORED = ("ValueError", "TypeError", "IndexError", "KeyError", "LookupError", "ZeroDivisionError",
            "ArithmeticError", "OverflowError", "FloatingPointError", "RuntimeError", "RecursionError",
            "AttributeError", "NameError", "UnboundLocalError", "AssertionError")


@functools.cache
def _mirror(name: str) -> type[StudentError]:
    """``StudentError`` that is also the built-in exception ``name``, so ``except ValueError`` and
    ``pytest.raises(ValueError)`` work on the grader's side as they do in the student's notebook."""
    return type(f"Student{name}", (StudentError, getattr(builtins, name)), {})


def student_error_class(types: tuple[str, ...]) -> type[StudentError]:
    """The most specific mirrored built-in among the student's exception's classes."""
    return next((_mirror(t) for t in types if t in MIRRORED), StudentError)


class NotImplementedStub(StudentError):
    """The function still raises NotImplementedError: it has not been written yet."""


class MissingFunction(StudentError):
    """The notebook does not define the function (or defines something that is not callable)."""


class StudentTimeout(StudentError):
    """The call did not finish within its time limit."""


class StudentCrash(StudentError):
    """The child process died (memory, a signal, ``os._exit``) or could not be restarted."""


class SandboxSetupError(StudentError):
    """The sandbox could not set up the test's arguments (a portable model did not build): not the student's fault."""


def describe_failure(function: str, info: ErrorInfo, seconds: float, memory_mb: int,
                     shortened: bool = False) -> StudentError:
    """Build the exception (and its feedback text) for a failed call."""
    kind = info.kind
    if kind == "missing":
        return MissingFunction(function, info, f"{function} is not defined in your notebook "
                                               f"(check the name and that its cell runs without errors)")
    if kind == "not_callable":
        return MissingFunction(function, info, f"{function} in your notebook is a {info.type}, not a function")
    if kind == "timeout" and shortened:
        return StudentTimeout(function, info, f"{function} did not return within {seconds:g} s (a shorter limit "
                                              f"than usual, because it already timed out in an earlier test)")
    if kind == "timeout":
        return StudentTimeout(function, info, f"{function} did not return within {seconds:g} s")
    if kind == "memory":
        return StudentCrash(function, info, f"{function} used more than {_size(memory_mb)} of memory (MemoryError)")
    if kind == "cpu":
        return StudentCrash(function, info, f"{function} used up the CPU time allowed for your notebook")
    if kind == "gave_up":
        if info.message == "timeout":
            return StudentTimeout(function, info, f"not run: {function} did not return within the time limit "
                                                  f"in the previous tests")
        if info.message == "memory":
            return StudentCrash(function, info, f"not run: {function} ran out of memory in the previous tests")
        if info.message == "restart":
            return StudentCrash(function, info, "not run: your notebook crashed too many times")
        return StudentCrash(function, info, f"not run: {function} crashed in the previous tests")
    if kind == "exit":
        return StudentCrash(function, info, f"{function} tried to exit the process "
                                            f"({info.message or info.type}); do not call sys.exit or os._exit")
    if kind == "crashed":
        detail = info.message or "it stopped responding"
        return StudentCrash(function, info, f"{function} crashed the process: {detail}")
    if kind == "unencodable":
        return StudentError(function, info, f"{function} returned something that could not be read: {info.message}")
    if kind == "lost_handle":
        return StudentCrash(function, info, f"{function}: the object ({info.message or 'returned earlier'}) no longer "
                                            f"exists, because your notebook's process was restarted after a crash "
                                            f"or a time-out")
    if kind == "sandbox":
        return SandboxSetupError(function, info, f"{function} could not be called: {info.message}")
    if "NotImplementedError" in info.types:
        return NotImplementedStub(function, info, f"{function} is not implemented yet (it raises NotImplementedError)")
    where = _last_frame(info.traceback)
    text = f"{function} raised {info.type}: {info.message}" if info.message else f"{function} raised {info.type}"
    return student_error_class(info.types)(function, info, text + (f"\n{where}" if where else ""))


def _last_frame(traceback_text: str) -> str:
    lines = [line for line in traceback_text.splitlines() if line.strip()]
    frames = [i for i, line in enumerate(lines) if line.lstrip().startswith('File "<cell')]
    if not frames:
        return ""
    i = frames[-1]
    return "\n".join(lines[i:i + 2]).replace('File "<cell', 'in cell "').replace('>", line', '", line')


def _size(mb: int) -> str:
    return f"{mb / 1024:g} GiB" if mb >= 1024 else f"{mb} MB"


class StudentFunction:
    """A callable stand-in for one of the student's functions (or classes)."""

    def __init__(self, run: SubmissionRun, name: str, timeout: float, memory_mb: int) -> None:
        self._run, self.name, self.timeout, self._memory_mb = run, name, timeout, memory_mb

    def with_timeout(self, seconds: float) -> StudentFunction:
        """The same function with another time limit (for tests that legitimately take longer)."""
        return StudentFunction(self._run, self.name, seconds, self._memory_mb)

    def _fail(self, label: str, outcome: Any) -> StudentError:
        assert outcome.error is not None
        limit = self.timeout if outcome.limit is None else outcome.limit
        return describe_failure(label, outcome.error, limit, self._memory_mb, limit < self.timeout)

    def _outcome(self, args: tuple, kwargs: dict, repeat: int | None, return_args: bool) -> Any:
        outcome = self._run.call(self.name, list(args), kwargs, timeout=self.timeout, repeat=repeat,
                                 return_args=return_args)
        if not outcome.ok:
            raise self._fail(self.name, outcome)
        return outcome

    def _bind(self, value: Any, label: str) -> Any:
        """``value`` with every handle the child returned bound to this function (for its limits)."""
        if type(value) is HandleRef:
            return Handle(value, self, label)
        if type(value) is list:
            return [self._bind(v, label) for v in value]
        if type(value) is tuple:
            return tuple(self._bind(v, label) for v in value)
        if type(value) is dict:
            return {k: self._bind(v, label) for k, v in value.items()}
        return value

    def remote(self, handle: Handle, action: str, name: str, args: tuple, kwargs: dict, label: str) -> Any:
        """Act on an object this function returned (see ``autograder.testing.remote``)."""
        outcome = self._run.remote(handle, action, name, list(args), kwargs, breaker=self.name, timeout=self.timeout)
        if not outcome.ok:
            raise self._fail(label, outcome)
        return self._bind(outcome.value, label)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._bind(self._outcome(args, kwargs, None, False).value, f"{self.name}(...)")

    def call_and_inputs(self, *args: Any, **kwargs: Any) -> tuple[Any, list, dict]:
        """The result, plus the arguments as the function left them (to check it did not modify them)."""
        outcome = self._outcome(args, kwargs, None, True)
        label = f"{self.name}(...)"
        return (self._bind(outcome.value, label), self._bind(outcome.args_after or [], f"an argument of {label}"),
                self._bind(outcome.kwargs_after or {}, f"an argument of {label}"))

    def repeat(self, times: int, *args: Any, **kwargs: Any) -> list:
        """Call ``times`` times inside the sandbox on the same argument objects (an ``rng`` advances); exactly
        ``times`` results, or a ``StudentError``."""
        values = self._outcome(args, kwargs, times, False).value
        if not isinstance(values, list) or len(values) != times:
            got = len(values) if isinstance(values, list) else type(values).__name__
            raise StudentError(self.name, ErrorInfo("exception", message="wrong count"),
                               f"{self.name} was called {times} times but {got} results came back")
        return self._bind(values, f"{self.name}(...)")


class Student:
    """The student's notebook as the tests see it: ``student.<function>(...)``."""

    def __init__(self, run: SubmissionRun, call_seconds: float, memory_mb: int) -> None:
        self._run, self._call_seconds, self._memory_mb = run, call_seconds, memory_mb

    def __getattr__(self, name: str) -> StudentFunction:
        if name.startswith("_"):
            raise AttributeError(name)
        return StudentFunction(self._run, name, self._call_seconds, self._memory_mb)

    def defines(self, name: str) -> bool:
        return self._run.notebook.names.get(name) == "function"
