"""Bank problems in the reader's language.

The engine (scoring) words every problem of a bank file in English, and keeps the English
template with its {placeholders} and their values next to it. Here the template is translated
and filled in; the values (keys, codes, numbers, type names from the file) stay as they are.
"""

from string import Formatter

from django.utils.translation import gettext, gettext_noop

from scoring.bank import BankProblem

__all__ = ["TEMPLATES", "problem_message", "problem_text"]

# Every template the engine can report, so that makemessages collects them; a test checks the
# list against scoring's source.
TEMPLATES = (
    # Translators: a problem of a question bank file. Keep every {placeholder} as it is: it is
    # replaced by a key, code, number or type name (str, int, list, ...) from the file.
    gettext_noop("YAML aliases (*{anchor}) are not allowed in a bank"),
    gettext_noop("YAML anchors (&{anchor}) are not allowed in a bank"),
    gettext_noop("a pulse asks at most {limit} questions; {count} are listed"),
    gettext_noop("a rule may hold at most {limit} conditions"),
    gettext_noop("conditions nested deeper than {limit} levels"),
    gettext_noop("contains the character U+{char}, which a bank text may not hold"),
    gettext_noop("duplicate area code '{code}' (first at {first})"),
    gettext_noop("duplicate dimension code '{code}' (first at {first})"),
    gettext_noop("duplicate key '{key}' (also on line {first})"),
    gettext_noop("duplicate question code '{code}' (first at {first})"),
    gettext_noop("duplicate rule code '{code}' (first at {first})"),
    gettext_noop("expected a condition mapping, got {type}"),
    gettext_noop("expected a dimension code, got {type}"),
    gettext_noop("expected a list of question codes, got {type}"),
    gettext_noop("expected a list, got {type}"),
    gettext_noop("expected a mapping, got {type}"),
    gettext_noop("expected a non-empty list of conditions"),
    gettext_noop("expected a number, got {type}"),
    gettext_noop("expected a question code of the previous version, got {value}"),
    gettext_noop("expected a question code, got {type}"),
    gettext_noop("expected a string or a mapping by language, got {type}"),
    gettext_noop("expected a string, got {type}"),
    gettext_noop("expected an area code, got {type}"),
    gettext_noop("expected an integer, got {type}"),
    gettext_noop("expected at least one language"),
    gettext_noop("expected exactly one of current_at_least, current_at_most"),
    gettext_noop("is {length} characters long; at most {limit} are allowed"),
    gettext_noop("malformed YAML: {detail}"),
    gettext_noop("min ({low}) must be less than max ({high})"),
    gettext_noop("missing required key '{key}'"),
    gettext_noop("must not be empty"),
    gettext_noop("must not start or end with spaces"),
    gettext_noop("nested deeper than {limit} levels"),
    gettext_noop("no text in the bank's language '{language}'"),
    gettext_noop("question code '{code}' is listed twice"),
    gettext_noop("the bank file is empty"),
    gettext_noop("the file has {count} characters; a bank may have at most {limit}"),
    gettext_noop("the file holds more than {limit} YAML values"),
    gettext_noop("the key contains the character U+{char}, which a bank text may not hold"),
    gettext_noop("unknown area code '{code}'"),
    gettext_noop("unknown condition: expected one of {forms}"),
    gettext_noop("unknown dimension code '{code}'"),
    gettext_noop("unknown key '{key}'"),
    gettext_noop("unknown key '{key}' in this condition"),
    gettext_noop("unknown kpi_direction {value}: expected up or down"),
    gettext_noop("unknown language '{language}': expected one of {known}"),
    gettext_noop("unknown level {level}: expected one of {known}"),
    gettext_noop("unknown question code '{code}'"),
    gettext_noop("unknown severity '{severity}': expected one of {known}"),
    gettext_noop("unknown strategy field {field}: expected one of {known}"),
    gettext_noop("unknown {field} {value}: expected one of {known}"),
    gettext_noop("{language} is not a language code such as 'en'"),
    gettext_noop("{slug} is not a slug: use letters, digits, '-' and '_' only"),
    gettext_noop("{value} is outside the scale {low}..{high}"),
    gettext_noop("{value} is outside {low}..{high}"),
    gettext_noop("{value} must be at least {low}"),
    gettext_noop("{value} must be at most {high}"),
    gettext_noop("{value} must be greater than 0"),
)


def _fields(template: str) -> set[str]:
    return {name for _text, name, _spec, _conversion in Formatter().parse(template) if name}


def problem_message(problem: BankProblem) -> str:
    """Return the problem's message in the active language (English when it has no template).

    A translation whose placeholders differ from the template's falls back to the English
    message rather than failing or losing a value.
    """
    if not problem.template:
        return problem.message
    translated = gettext(problem.template)
    if _fields(translated) != _fields(problem.template):
        return problem.message
    try:
        return translated.format(**problem.params)
    except (KeyError, IndexError, ValueError):
        return problem.message


def problem_text(problem: BankProblem) -> str:
    """Return the problem as one line, "file:line: path: message", in the active language."""
    place = problem.source if problem.line is None else f"{problem.source}:{problem.line}"
    message = problem_message(problem)
    return f"{place}: {problem.path}: {message}" if problem.path else f"{place}: {message}"
