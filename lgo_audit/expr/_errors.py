"""The two exceptions of the expression language.

They are kept apart because they happen at different times and mean different things:
a syntax error is a broken rule file (found once, at load time, before any letter is checked);
an evaluation error is a rule that cannot be applied to one particular letter (wrong types,
a value out of bounds) and is reported as a "rule error" for that letter only.
"""

from __future__ import annotations


def _one_line(text: str) -> str:
    """Collapse whitespace so that messages always fit on one line of a report."""
    return " ".join(text.split())


class ExprSyntaxError(ValueError):
    """An expression or message template is malformed, too large or uses unknown names.

    ``position`` is the 0-based index in the source text where the problem was found
    (``None`` when the problem is not tied to one place).
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        message = _one_line(message)
        super().__init__(message, position)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        if self.position is None:
            return self.message
        return f"{self.message} (at position {self.position})"

    def shifted(self, offset: int) -> ExprSyntaxError:
        """The same error with its position moved by ``offset`` (for text embedded in a template)."""
        position = None if self.position is None else self.position + offset
        return ExprSyntaxError(self.message, position)


class ExprEvalError(Exception):
    """A rule could not be evaluated against a letter: a type mismatch, a bound exceeded or a bad
    function argument. Evaluation raises nothing else, so the checker can report it as a rule
    error instead of crashing."""

    def __init__(self, message: str) -> None:
        message = _one_line(message)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ExprTypeError(ExprSyntaxError):
    """An expression whose types do not fit, found by the type check when a rule is loaded
    (comparing a date with a number, a function given an argument of the wrong type, ``==``
    between a computed and a stated percentage). Like a syntax error it is a broken rule file,
    reported before any letter is checked; it is not tied to a position, so the message quotes
    the part of the expression at fault."""

    def __init__(self, message: str) -> None:
        super().__init__(message, None)

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return (type(self), (self.message,))
