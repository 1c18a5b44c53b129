"""`check --format github`: GitHub Actions workflow commands that annotate the changed files.

One `::error file=…,line=…,col=…,title=…::message` line (warning or notice
by severity) per new finding and per regression; existing findings are not
the change's doing and are left out. Values are escaped exactly as
@actions/core's toolkit escapes them, so a message or a file name can never
end the command early or start another. A last plain line says the verdict.
"""

from __future__ import annotations

from ..check import CheckResult, artifact_path, verdict

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """A command's message: % first, so that the escapes themselves survive."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: as data, and ':' and ',' that would end it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **properties) -> str:
    """One workflow command; properties that are None are left out, as the toolkit does."""
    given = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{level}{' ' + given if given else ''}::{escape_data(message)}"


def render(result: CheckResult, lang: str = "vi", root: str = "") -> str:
    """The annotations, then the verdict."""
    lines = []
    for entry in result.entries:
        if entry.status == "existing":
            continue
        item, where = entry.item, entry.item.location
        message = item.message(lang)
        if where.sheet:
            message = f"{where.sheet}!{where.cell}: {message}" if where.cell else f"{where.sheet}: {message}"
        lines.append(command(
            LEVELS[item.severity], message,
            file=artifact_path(where, root), line=where.line, col=where.column, title=f"{item.rule} {item.name}",
        ))
    lines.append(verdict(result, lang))
    return "\n".join(lines) + "\n"
