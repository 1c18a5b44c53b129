"""Read rule packs: YAML files with a top-level `rules:` list, checked whole before any rule runs.

The default packs are the files of `rules/` (shipped as simplify.defaults)
that have a `rules:` key, so cost_model.yaml and targets.yaml beside them
are passed over; `--rules` adds folders (the same test) or files (which
must be packs). Every problem of every pack is collected and raised at once
as `InputError` with code E201 at the pack's file and line: unknown keys,
paths, operators, targets, severities or measures, bad codes or names,
duplicate codes, a message or title missing a language.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..catalog.raw import RawList, RawMap
from ..diagnostics import InputError
from ..measures import OCCURRENCE, Measure, freeze, settable_keys, typed_values
from ..model import Location
from ..resources import defaults_dir
from ..settings import Checker, read_yaml_file
from .conditions import compile_block
from .model import MEASURES, SEVERITIES, MeasureSpec, Rule, Text
from .paths import TARGETS
from .template import compile_template

CODE = re.compile(r"^[A-Z]{2,8}[0-9]{3}$")
NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
KEYS = ("code", "name", "title", "severity", "target", "when", "measure", "message", "why", "basis", "example")
REQUIRED = ("code", "name", "severity", "target", "when", "message")
PACK_SUFFIXES = (".yaml", ".yml")
_SET_ACTION = {"procedure": "set_procedure", "step": "set_step", "document": "set_document", "fee": "set_fee"}


def load_rules(extra: list[Path] | None = None, base: Path | None = None) -> tuple[Rule, ...]:
    """The rules of the packs in `base` (default: the built-in rules/) and of `extra` folders or files.

    InputError (E201) if any pack is invalid.
    """
    problems = []
    rules: list[Rule] = []
    seen: dict[str, Location] = {}
    for path, explicit in _pack_files(extra or [], base or defaults_dir()):
        try:
            raw = read_yaml_file(path, "E201")
        except InputError as error:
            problems += error.diagnostics
            continue
        check = Checker("E201", str(path))
        for code, where, rule in _pack(raw, path, explicit, check):
            if code in seen:  # checked on every rule that names a code, valid or not, so no duplicate hides
                check.fail(where, f"duplicate rule code {code} (first at {seen[code]})",
                           f"trùng mã quy tắc {code} (lần đầu ở {seen[code]})")
                continue
            seen.setdefault(code, where)
            if rule is not None:
                rules.append(rule)
        problems += check.problems
    if problems:
        raise InputError(problems)
    return tuple(rules)


def _pack_files(extra: list[Path], base: Path) -> list[tuple[Path, bool]]:
    """Pack files to read, and whether each was named on its own (then it must be a pack)."""
    files = [(p, False) for p in sorted(base.iterdir()) if p.suffix in PACK_SUFFIXES]
    for path in extra:
        if path.is_dir():
            files += [(p, False) for p in sorted(path.iterdir()) if p.suffix in PACK_SUFFIXES and p.is_file()]
        else:
            files.append((path, True))  # a missing file is reported by the reader, located at its name
    return files


def _pack(raw: Any, path: Path, explicit: bool, check: Checker) -> list[tuple[str, Location, Rule | None]]:
    """(code, where it is written, the rule or None if it is invalid) for each rule naming a code."""
    where = Location(str(path), 1, 1)
    if not isinstance(raw, RawMap) or "rules" not in raw:
        if explicit:
            check.fail(where, "not a rule pack: the file has no top-level 'rules:' list",
                       "không phải gói quy tắc: tệp không có danh sách 'rules:' ở cấp đầu")
        return []
    check.keys(raw, ("rules",))
    out = []
    for item, at in check.items(raw["rules"], raw.value_loc("rules"), "rules"):
        rule = _rule(item, at, check)
        if isinstance(item, RawMap) and isinstance(item.get("code"), str):
            out.append((item["code"], item.key_loc("code"), rule))
    return out


def _rule(raw: Any, where: Location, check: Checker) -> Rule | None:
    rule = check.mapping(raw, where, ("a rule", "mỗi quy tắc"))
    if rule is None:
        return None
    before = len(check.problems)
    check.keys(rule, KEYS, REQUIRED)
    code = _matching(rule, "code", CODE, check, "family letters and three digits, like DOC001",
                     "chữ cái nhóm và ba chữ số, như DOC001")
    name = _matching(rule, "name", NAME, check, "kebab-case, like certified-copy-required",
                     "dạng kebab-case, như certified-copy-required")
    severity = _choice(rule, "severity", SEVERITIES, check)
    target = _choice(rule, "target", TARGETS, check)
    if len(check.problems) > before or target is None:
        return None  # the rest is checked against the target; a broken head would only echo
    when = compile_block(rule["when"], rule.value_loc("when"), target, check.fail)
    message = _text(rule, "message", check)
    templates = _templates(message, rule["message"], target, check) if message else None
    title = _text(rule, "title", check) if "title" in rule else None
    why = _text(rule, "why", check) if "why" in rule else None
    measure = _measure(rule.get("measure"), rule.value_loc("measure"), target, check)
    basis = _basis(rule, check)
    example = check.text(rule, "example")
    if len(check.problems) > before:
        return None
    return Rule(code=code, name=name, severity=severity, target=target, when=when,
                when_source=_source(rule["when"]), measure=measure, message=message, templates=templates,
                why=why, basis=basis, title=title, example=example, location=rule.key_loc("code"))


def _matching(rule: RawMap, key: str, pattern: re.Pattern, check: Checker, en: str, vi: str) -> str | None:
    value = rule.get(key)
    if key in rule and not (isinstance(value, str) and pattern.match(value)):
        check.fail(rule.value_loc(key), f"'{key}' must be {en}, not {value!r}", f"'{key}' phải là {vi}, không phải {value!r}")
        return None
    return value


def _choice(rule: RawMap, key: str, choices: tuple[str, ...], check: Checker) -> str | None:
    value = rule.get(key)
    if key in rule and value not in choices:
        check.fail(rule.value_loc(key), f"'{key}' must be one of {', '.join(choices)}, not {value!r}",
                   f"'{key}' phải là một trong {', '.join(choices)}, không phải {value!r}")
        return None
    return value


def _text(rule: RawMap, key: str, check: Checker) -> Text | None:
    raw = check.mapping(rule.get(key), rule.value_loc(key), f"'{key}'")
    if raw is None:
        return None
    check.keys(raw, ("vi", "en"))
    texts = []
    for lang in ("vi", "en"):
        value = raw.get(lang)
        if not isinstance(value, str) or not value.strip():
            where = raw.value_loc(lang) if lang in raw else raw.loc()
            check.fail(where, f"'{key}' needs a non-empty '{lang}' text", f"'{key}' cần văn bản '{lang}' không rỗng")
        texts.append(value)
    return Text(*texts) if all(isinstance(t, str) and t.strip() for t in texts) else None


def _templates(message: Text, raw: RawMap, target: str, check: Checker):
    compiled = []
    for lang in ("vi", "en"):
        template = compile_template(message.get(lang), target)
        if isinstance(template, tuple):
            check.fail(raw.value_loc(lang), *template)
            return None
        compiled.append(template)
    return tuple(compiled)


def _measure(raw: Any, where: Location, target: str, check: Checker) -> MeasureSpec | None:
    """The measure of a rule: remove, abolish, none, {set: {...}} or {merge_into: consumer}."""
    if raw is None or raw == "none":
        return None
    if raw in ("remove", "abolish"):
        if raw == "remove" and target == "procedure":
            check.fail(where, "a rule on a procedure cannot 'remove'; use 'abolish'",
                       "quy tắc trên thủ tục không dùng 'remove'; hãy dùng 'abolish'")
            return None
        return MeasureSpec(raw)
    if isinstance(raw, RawMap) and len(raw) == 1 and "merge_into" in raw:
        if raw["merge_into"] != "consumer" or target != "procedure":
            check.fail(raw.value_loc("merge_into"), "'merge_into' takes 'consumer', in a rule on a procedure",
                       "'merge_into' nhận 'consumer', trong quy tắc trên thủ tục")
            return None
        return MeasureSpec("merge_into")
    if isinstance(raw, RawMap) and len(raw) == 1 and "set" in raw:
        return _set_measure(raw, target, check)
    check.fail(where, f"unknown measure {raw!r}; a measure is one of {', '.join(MEASURES)} or none",
               f"biện pháp không xác định {raw!r}; biện pháp là một trong {', '.join(MEASURES)} hoặc none")
    return None


def _set_measure(raw: RawMap, target: str, check: Checker) -> MeasureSpec | None:
    values = raw["set"]
    where = raw.value_loc("set")
    action = _SET_ACTION[target]
    if not isinstance(values, RawMap) or not values:
        check.fail(where, f"'set' takes a mapping of keys to new values: {', '.join(settable_keys(action))}",
                   f"'set' cần một ánh xạ khóa: giá trị mới: {', '.join(settable_keys(action))}")
        return None
    pairs = tuple((str(k), freeze(v)) for k, v in values.items())
    if OCCURRENCE in values:  # which document a measure is about is the engine's to say, not a change
        check.fail(where, f"'set' cannot set '{OCCURRENCE}'", f"'set' không sửa được '{OCCURRENCE}'")
        return None
    problem = typed_values(Measure(action, "", values=pairs, location=where))[1]
    if problem is not None:
        check.fail(where, *problem)
        return None
    return MeasureSpec("set", pairs)


def _basis(rule: RawMap, check: Checker) -> tuple[str, ...]:
    raw = rule.get("basis")
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, RawList) and all(isinstance(x, str) for x in raw):
        return tuple(raw)
    check.fail(rule.value_loc("basis"), "'basis' must be a list of legal references",
               "'basis' phải là danh sách căn cứ pháp lý")
    return ()


def _source(raw: Any) -> str:
    """The condition as YAML for people: one path (or combinator) a line, its condition in flow style."""
    import yaml

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    def flow(value: Any) -> str:
        text = yaml.safe_dump(plain(value), allow_unicode=True, default_flow_style=True, width=10_000)
        return text.removesuffix("\n").removesuffix("\n...").strip()

    if not isinstance(raw, dict):
        return flow(raw)
    return "\n".join(f"{key}: {flow(value)}" for key, value in raw.items())
