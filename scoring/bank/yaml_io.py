"""Banks to and from YAML text: a loader that refuses hostile files, line numbers, export."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace

import yaml

from scoring.bank.model import ActionTemplate, Bank, BankError, BankProblem, Question, Rule
from scoring.bank.validate import parse_bank
from scoring.constants import (
    BANK_TEXT_MAX,
    DEFAULT_LANGUAGE,
    DISCIPLINES,
    PITFALL_AREA_KEYS,
    PITFALLS,
    YAML_DEPTH_MAX,
    YAML_NODES_MAX,
)
from scoring.rules import condition_to_dict
from scoring.text import text_to_data
from scoring.validation import join_path

__all__ = ["bank_to_dict", "dump_bank_yaml", "load_bank_yaml"]


class RefusedYAMLError(yaml.MarkedYAMLError):
    """YAML that a bank must not use: aliases and anchors, or nesting beyond YAML_DEPTH_MAX."""

    # Set by _refused, which raises every one of them.
    template: str
    params: dict[str, str | int]


def _refused(template: str, event: yaml.Event, **params: str | int) -> RefusedYAMLError:
    mark = event.start_mark
    error = RefusedYAMLError(
        problem=template.format(**params),
        problem_mark=mark if isinstance(mark, yaml.Mark) else None,
    )
    error.template = template
    error.params = params
    return error


def _problem(template: str, line: int | None, source: str, **params: str | int) -> BankError:
    """Return the error of a file with one problem that has no path."""
    return BankError([BankProblem.of("", template, line, source, **params)])


# The problems the whole file can have (prescan and reading share them).
_ALIAS = "YAML aliases (*{anchor}) are not allowed in a bank"
_ANCHOR = "YAML anchors (&{anchor}) are not allowed in a bank"
_TOO_MANY = "the file holds more than {limit} YAML values"
_TOO_DEEP = "nested deeper than {limit} levels"
_MALFORMED = "malformed YAML: {detail}"


class _BankLoader(yaml.SafeLoader):
    """A SafeLoader that refuses aliases, anchors, deep nesting and too many nodes while composing.

    An alias lets a few lines expand into billions of nodes ("billion laughs"); a bank never
    needs one, so the first anchor or alias stops the reading before anything is expanded.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            raise _refused(_ALIAS, event, anchor=str(event.anchor))
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _refused(_ANCHOR, event, anchor=str(anchor))
        self._nodes += 1
        if self._nodes > YAML_NODES_MAX:
            raise _refused(_TOO_MANY, event, limit=f"{YAML_NODES_MAX:,}")
        self._depth += 1
        try:
            if self._depth > YAML_DEPTH_MAX:
                raise _refused(_TOO_DEEP, event, limit=YAML_DEPTH_MAX)
            node: yaml.Node | None = super().compose_node(parent, index)
            return node
        finally:
            self._depth -= 1


# Escapes such as "\0" or "\ud800" in a quoted scalar make characters that the reader refuses
# in raw text: a database cannot store NUL (PostgreSQL) nor a lone surrogate (any UTF-8 store).
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _unstorable(node: yaml.Node) -> str | None:
    """Return the code point (e.g. '0000') of the first character a bank may not hold."""
    if not isinstance(node, yaml.ScalarNode) or not isinstance(node.value, str):
        return None
    found = _UNSTORABLE.search(node.value)
    if found is None:
        return None
    return f"{ord(found.group()):04X}"


def _record_lines(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: str,
    lines: dict[str, int],
    problems: list[BankProblem],
) -> None:
    if isinstance(node, yaml.MappingNode):
        # PyYAML keeps the last of two equal keys silently; a bank author wants to hear of it.
        # Checked before merging because a key may legitimately override a merged '<<' one.
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if (
                not isinstance(key_node, yaml.ScalarNode)
                or key_node.tag == "tag:yaml.org,2002:merge"
            ):
                continue
            key, key_line = str(key_node.value), key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    BankProblem.of(
                        join_path(path, key),
                        "duplicate key '{key}' (also on line {first})",
                        key_line,
                        key=key,
                        first=seen[key],
                    )
                )
            seen.setdefault(key, key_line)
        loader.flatten_mapping(node)  # resolves '<<' merge keys the way construction will
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            child = join_path(path, key)
            lines.setdefault(child, key_node.start_mark.line + 1)
            bad_key = _unstorable(key_node)
            if bad_key is not None:
                problems.append(
                    BankProblem.of(
                        child,
                        "the key contains the character U+{char}, which a bank text may not hold",
                        key_node.start_mark.line + 1,
                        char=bad_key,
                    )
                )
                continue
            _record_lines(loader, value_node, child, lines, problems)
        return
    bad = _unstorable(node)
    if bad is not None:
        problems.append(
            BankProblem.of(
                path,
                "contains the character U+{char}, which a bank text may not hold",
                node.start_mark.line + 1,
                char=bad,
            )
        )
        return
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = f"{path}[{index}]"
            lines.setdefault(child, item.start_mark.line + 1)
            _record_lines(loader, item, child, lines, problems)


def _prescan(text: str, source: str) -> None:
    """Refuse an oversized or hostile file before the slow, pure-Python reading starts.

    libyaml's parser walks the events about ten times faster than PyYAML's composer, so
    aliases, anchors, deep nesting and the node budget are refused in a fraction of the time.
    Anything else it dislikes is left to the full reading, which words the message.
    """
    if len(text) > BANK_TEXT_MAX:
        raise _problem(
            "the file has {count} characters; a bank may have at most {limit}",
            None,
            source,
            count=f"{len(text):,}",
            limit=f"{BANK_TEXT_MAX:,}",
        )
    if not yaml.__with_libyaml__:
        return
    loader = yaml.CSafeLoader(text)
    depth = nodes = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if event is None:
                break
            template: str | None = None
            params: dict[str, str | int] = {}
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent):
                template, params = _ALIAS, {"anchor": str(anchor)}
            elif anchor is not None:
                template, params = _ANCHOR, {"anchor": str(anchor)}
            elif isinstance(event, yaml.NodeEvent):
                nodes += 1
                if nodes > YAML_NODES_MAX:
                    template, params = _TOO_MANY, {"limit": f"{YAML_NODES_MAX:,}"}
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > YAML_DEPTH_MAX:
                    template, params = _TOO_DEEP, {"limit": YAML_DEPTH_MAX}
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if template is not None:
                mark_line = getattr(event.start_mark, "line", None)  # libyaml's own Mark class
                line = None if mark_line is None else int(mark_line) + 1
                raise _problem(template, line, source, **params)
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem):  # libyaml's own limit, far above ours
            mark_line = getattr(exc.problem_mark, "line", None)
            line = None if mark_line is None else int(mark_line) + 1
            raise _problem(_TOO_DEEP, line, source, limit=YAML_DEPTH_MAX) from None
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()


def load_bank_yaml(
    text: str, *, source: str = "<bank>", languages: Collection[str] | None = None
) -> Bank:
    """Parse and validate a bank from YAML text; every problem names its source line.

    `languages`: the codes a site offers, as for parse_bank.
    """
    _prescan(text, source)
    try:
        loader = _BankLoader(text)
    except yaml.reader.ReaderError as exc:
        # The reader refuses control characters before parsing starts, outside the block below.
        bad_line = text.count("\n", 0, exc.position) + 1
        detail = " ".join(str(exc).split())
        raise _problem(_MALFORMED, bad_line, source, detail=detail) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise _problem("the bank file is empty", None, source)
        lines: dict[str, int] = {"": node.start_mark.line + 1}
        duplicates: list[BankProblem] = []
        _record_lines(loader, node, "", lines, duplicates)
        data = loader.construct_document(node)
    except RefusedYAMLError as exc:
        mark = exc.problem_mark
        line = None if mark is None else mark.line + 1
        raise _problem(exc.template, line, source, **exc.params) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1
        detail = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise _problem(_MALFORMED, line, source, detail=detail or str(exc)) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        if isinstance(exc, BankError):
            raise
        raise _problem(_MALFORMED, None, source, detail=str(exc)) from None
    finally:
        loader.dispose()
    # The reading knew no source: give each problem the file's name.
    problems = [replace(problem, source=source) for problem in duplicates]
    try:
        bank = parse_bank(data, source=source, lines=lines, languages=languages)
    except BankError as exc:
        raise BankError(problems + exc.problems) from None
    if problems:
        raise BankError(problems)
    return bank


def _action_to_dict(action: ActionTemplate) -> dict[str, object]:
    data: dict[str, object] = {
        "title": text_to_data(action.title),
        "specific": text_to_data(action.specific),
        "kpi": text_to_data(action.kpi),
        "unit": text_to_data(action.unit),
        "owner_role": text_to_data(action.owner_role),
        "effort": action.effort,
        "effort_days": action.effort_days,
        "duration_weeks": action.duration_weeks,
    }
    if action.kpi_target is not None:
        data["kpi_target"] = action.kpi_target
    data["kpi_direction"] = action.kpi_direction
    return data


def _question_to_dict(question: Question) -> dict[str, object]:
    data: dict[str, object] = {
        "code": question.code,
        "text": text_to_data(question.text),
        "help": text_to_data(question.help),
        "weight": question.weight,
        "targets": {d: question.targets[d] for d in DISCIPLINES if d in question.targets},
        "action": _action_to_dict(question.action),
    }
    if question.scale_back is not None:
        data["scale_back"] = _action_to_dict(question.scale_back)
    if question.continues is not None:
        data["continues"] = question.continues
    return data


def _rule_to_dict(rule: Rule) -> dict[str, object]:
    data: dict[str, object] = {
        "code": rule.code,
        "severity": rule.severity,
        "message": text_to_data(rule.message),
        "when": condition_to_dict(rule.when),
    }
    if rule.remedies:
        data["remedies"] = list(rule.remedies)
    return data


def bank_to_dict(bank: Bank) -> dict[str, object]:
    """Return the YAML structure of DESIGN.md section 5, so parse_bank(bank_to_dict(b)) == b."""
    data: dict[str, object] = {
        "bank": bank.slug,
        "version": bank.version,
        **({"language": bank.language} if bank.language != DEFAULT_LANGUAGE else {}),
        "title": text_to_data(bank.title),
        "scale": {"min": bank.scale_min, "max": bank.scale_max},
        "dimensions": [
            {
                "code": dimension.code,
                "title": text_to_data(dimension.title),
                "weight": dimension.weight,
                "areas": [
                    {
                        "code": area.code,
                        "title": text_to_data(area.title),
                        "weight": area.weight,
                        "questions": [_question_to_dict(q) for q in area.questions],
                    }
                    for area in dimension.areas
                ],
            }
            for dimension in bank.dimensions
        ],
        "rules": [_rule_to_dict(rule) for rule in bank.rules],
        "pitfall_areas": {
            k: bank.pitfall_areas[k] for k in PITFALL_AREA_KEYS if k in bank.pitfall_areas
        },
    }
    if bank.pitfall_remedies:
        data["pitfall_remedies"] = {
            k: list(bank.pitfall_remedies[k]) for k in PITFALLS if k in bank.pitfall_remedies
        }
    if bank.pulse_questions:
        data["pulse_questions"] = list(bank.pulse_questions)
    return data


class _NoAliasDumper(yaml.SafeDumper):
    """Write a shared value out in full each time: the loader refuses aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def dump_bank_yaml(bank: Bank) -> str:
    """Return the bank as YAML text in the interchange format (keys in section 5 order)."""
    return yaml.dump(
        bank_to_dict(bank),
        Dumper=_NoAliasDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
