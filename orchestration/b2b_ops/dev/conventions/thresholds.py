"""Find hard-coded thresholds in a model's SQL.

A hard-coded threshold is a number literal written in the SQL itself that is
an operand of a comparison (=, <>, !=, <, <=, >, >=, between): `where
days_since_login >= 30`, `having count(*) > 5`, `x between 0.2 and 0.8`.
It belongs in a var (`{{ var('churn_no_login_days') }}`) or a seed row with
a name, so the business can see and change it.

Not thresholds, and so never reported:
- 0, 1, -1 and 100 (empty, one, none, per cent);
- numbers inside Jinja (`{{ var('x', 30) }}`, `{% set days_per_week = 7 %}`:
  a named constant), inside comments and inside string literals;
- number arguments of functions that format or pick rather than compare
  (`round(x, 2)`, `decimal(18, 2)`, `lag(x, 2)`, ...: NON_THRESHOLD_FUNCTIONS);
- numbers compared with a date part (`month(d) = 12`, `extract(dow from d) = 6`):
  calendar facts, not business rules;
- numbers outside comparisons (`12 * mrr`, `limit 10`).
Anything else that is deliberate goes in the allow-list of the
`no_hardcoded_thresholds` rule (pyproject.toml), with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Compared without their sign: -1 is 1 after a minus.
ALLOWED_NUMBERS = frozenset({0.0, 1.0, 100.0})

NON_THRESHOLD_FUNCTIONS = frozenset(
    {
        "round",
        "trunc",
        "decimal",
        "numeric",
        "lag",
        "lead",
        "nth_value",
        "ntile",
        "substr",
        "substring",
        "left",
        "right",
        "lpad",
        "rpad",
        "repeat",
        "split_part",
    }
)

DATE_PART_FUNCTIONS = frozenset(
    {
        "extract",
        "date_part",
        "datepart",
        "year",
        "quarter",
        "month",
        "week",
        "day",
        "dayofmonth",
        "dayofweek",
        "dayofyear",
        "isodow",
        "weekday",
        "hour",
        "minute",
    }
)

# Words that end a comparison's operand.
BOUNDARY_WORDS = frozenset(
    {
        "and",
        "or",
        "not",
        "when",
        "then",
        "else",
        "end",
        "case",
        "where",
        "on",
        "having",
        "select",
        "from",
        "as",
        "by",
        "is",
        "in",
        "like",
        "qualify",
        "filter",
    }
)
COMPARISONS = frozenset({"=", "==", "<>", "!=", "<", "<=", ">", ">=", "between"})

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_STRINGS = re.compile(r"'(?:[^']|'')*'")
_TOKENS = re.compile(
    r"(?P<number>\d+(?:\.\d+)?(?:e[+-]?\d+)?|\.\d+)"
    r"|(?P<name>[a-z_][a-z0-9_$]*(?:\.[a-z_][a-z0-9_$]*)*)"
    r"|(?P<op><=|>=|<>|!=|==|=|<|>)"
    r"|(?P<other>\S)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int


@dataclass(frozen=True)
class Threshold:
    """A number literal compared in the SQL, as written, with its line (1-based)."""

    text: str
    line: int


def _blank_out(pattern: re.Pattern[str], sql: str, replacement: str) -> str:
    """Replace every match by `replacement`, keeping the line breaks so line numbers hold."""
    return pattern.sub(lambda match: replacement + "\n" * match.group(0).count("\n"), sql)


def tokenize(sql: str) -> list[Token]:
    """Tokens of the SQL with Jinja, comments and strings replaced by a placeholder name."""
    code = _blank_out(_JINJA, sql, " jinja_expression ")
    code = _blank_out(_COMMENTS, code, " ")
    code = _blank_out(_STRINGS, code, " string_literal ")
    tokens = []
    for match in _TOKENS.finditer(code):
        kind = match.lastgroup or "other"
        text = match.group(0).lower()
        if kind == "name" and text == "between":
            kind = "op"
        tokens.append(Token(kind, text, code.count("\n", 0, match.start()) + 1))
    return tokens


def _ends_operand(token: Token) -> bool:
    return (
        token.text in BOUNDARY_WORDS
        or token.text in {",", ";"}
        or (token.kind == "op" and token.text in COMPARISONS)
    )


def _right_operand(tokens: list[Token], start: int, is_between: bool) -> list[Token]:
    depth, position, operand = 0, start, []
    skipped_and = False
    while position < len(tokens):
        token = tokens[position]
        if depth == 0 and is_between and token.text == "and" and not skipped_and:
            skipped_and = True
        elif token.text == "(":
            depth += 1
        elif token.text == ")":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and _ends_operand(token):
            break
        operand.append(token)
        position += 1
    return operand


def _left_operand(tokens: list[Token], start: int) -> list[Token]:
    depth, position, operand = 0, start, []
    while position >= 0:
        token = tokens[position]
        if token.text == ")":
            depth += 1
        elif token.text == "(":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and _ends_operand(token):
            break
        operand.insert(0, token)
        position -= 1
    return operand


def _numbers_and_calls(operand: list[Token]) -> tuple[list[Token], set[str]]:
    """The operand's number literals outside NON_THRESHOLD_FUNCTIONS calls, and every
    function it calls."""
    calls: set[str] = set()
    stack: list[str] = []
    numbers = []
    for index, token in enumerate(operand):
        if token.text == "(":
            previous = operand[index - 1] if index else None
            name = previous.text if previous is not None and previous.kind == "name" else ""
            calls.add(name)
            stack.append(name)
        elif token.text == ")" and stack:
            stack.pop()
        elif token.kind == "number" and not NON_THRESHOLD_FUNCTIONS.intersection(stack):
            numbers.append(token)
    return numbers, calls


def find_thresholds(sql: str) -> list[Threshold]:
    """Every hard-coded threshold in a model's SQL (see the module docstring)."""
    tokens = tokenize(sql)
    found: dict[tuple[int, str], Threshold] = {}
    for index, token in enumerate(tokens):
        if token.kind != "op" or token.text not in COMPARISONS:
            continue
        left = _left_operand(tokens, index - 1)
        right = _right_operand(tokens, index + 1, is_between=token.text == "between")
        left_numbers, left_calls = _numbers_and_calls(left)
        right_numbers, right_calls = _numbers_and_calls(right)
        if (left_calls | right_calls) & DATE_PART_FUNCTIONS:
            continue
        for number in left_numbers + right_numbers:
            if float(number.text) not in ALLOWED_NUMBERS:
                found[(number.line, number.text)] = Threshold(number.text, number.line)
    return sorted(found.values(), key=lambda threshold: (threshold.line, threshold.text))
