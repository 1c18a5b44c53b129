"""Nothing lost: writes are atomic, input files are only ever read, and convert never overwrites unasked.

Every file the tool writes goes through `simplify.atomic.write_atomic`; an
interruption at any point of it (while the content is written, at fsync, at
the rename) leaves the previous file as it was and no temporary file behind,
whether called directly or through a command. Every command is run on a copy
of the mini catalogue and on its workbook form: no input file's bytes or
mtime change, and an audit hook sees no input path opened for writing,
renamed, removed or created.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from conftest import MINI

from simplify.atomic import write_atomic, write_text_atomic
from simplify.catalog.excel_writer import write_workbook
from simplify.catalog.loader import load_catalog

OLD = "the previous content\n"


class Interrupted(Exception):
    pass


# -- the atomic writer --------------------------------------------------------------------


def half_then_raise(error: BaseException):
    def fill(handle):
        handle.write(b"the first half of a new ")
        raise error
    return fill


@pytest.mark.parametrize("error", [Interrupted("power cut"), KeyboardInterrupt(), OSError(errno.ENOSPC, "disk full")])
def test_an_interrupted_write_leaves_the_previous_file_and_no_temporary_file(tmp_path, error):
    target = tmp_path / "report.json"
    target.write_text(OLD, encoding="utf-8")
    with pytest.raises(type(error)):
        write_atomic(target, half_then_raise(error))
    assert target.read_text(encoding="utf-8") == OLD
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_failure_at_fsync_or_rename_leaves_the_previous_file(tmp_path, monkeypatch, step):
    target = tmp_path / "plan.yaml"
    target.write_text(OLD, encoding="utf-8")

    def fail(*args):
        raise OSError(errno.EIO, f"{step} failed")

    monkeypatch.setattr(os, step, fail)
    with pytest.raises(OSError):
        write_text_atomic(target, "new content\n")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == OLD
    assert [p.name for p in tmp_path.iterdir()] == ["plan.yaml"]


def test_an_interrupted_first_write_leaves_nothing(tmp_path):
    with pytest.raises(Interrupted):
        write_atomic(tmp_path / "new" / "out.xlsx", half_then_raise(Interrupted()))
    assert [p.name for p in (tmp_path / "new").iterdir()] == []


def test_no_module_writes_a_file_but_through_the_atomic_writer():
    """A static guard for the next writer: plain writes are found by their spelling."""
    package = Path(__file__).resolve().parents[1] / "simplify"
    plain = re.compile(r"\.write_text\(|\.write_bytes\(|\bopen\([^)]*['\"][wax+]b?['\"]|shutil\.(copy|move)|"
                       r"os\.(rename|replace)\(|\.to_(csv|excel)\(")
    found = [f"{path.relative_to(package)}:{n}: {line.strip()}"
             for path in sorted(package.rglob("*.py")) if path.name != "atomic.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if plain.search(line)]
    # The one exception: git blobs of a `git:` baseline, written into a temporary folder of its own.
    assert found == ["baseline.py:93: target.write_bytes(data)"]


def test_a_complete_write_replaces_the_file_whole(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text(OLD, encoding="utf-8")
    write_text_atomic(target, "Báo cáo mới\n")
    assert target.read_bytes() == "Báo cáo mới\n".encode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


# -- through the commands that write --------------------------------------------------------


@pytest.fixture
def inputs(tmp_path) -> tuple[Path, Path]:
    """A copy of the mini catalogue and its workbook form, in tmp/input."""
    folder = tmp_path / "input" / "mini"
    shutil.copytree(MINI, folder, ignore=shutil.ignore_patterns("EXPECTED.md"))
    catalog, _ = load_catalog(folder)
    write_workbook(catalog, tmp_path / "input" / "mini.xlsx")
    return folder, tmp_path / "input" / "mini.xlsx"


@pytest.mark.parametrize("command, written", [
    (["audit", "{src}", "--format", "json", "--output", "{out}"], "audit.json"),
    (["plan", "{src}", "--output", "{out}"], "plan.yaml"),
    (["report", "{src}", "--output", "{out}"], "report.xlsx"),
    (["convert", "{src}", "{out}", "--force"], "converted.xlsx"),
    (["convert", "{src}", "{out}", "--force"], "converted.yaml"),
])
def test_a_command_interrupted_while_writing_keeps_the_previous_output(cli, inputs, tmp_path, monkeypatch, command, written):
    """The disk fills up at fsync: exit 2 with a message, the previous output as it was, no temporary file."""
    out = tmp_path / "out" / written
    out.parent.mkdir()
    out.write_text(OLD, encoding="utf-8")

    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    args = [a.format(src=inputs[0], out=out) for a in command]
    code, _, err = cli(*args, "--lang", "en")
    monkeypatch.undo()
    assert code == 2, err
    assert "No space left on device" in err and "E299" not in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == OLD
    assert [p.name for p in out.parent.iterdir()] == [written]


# -- input files are only read -----------------------------------------------------------------

_WATCHED: list[str] = []          # absolute folders whose contents must not be written while set
_VIOLATIONS: list[tuple] = []
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_PATH_EVENTS = {"os.rename": 2, "os.remove": 1, "os.rmdir": 1, "os.mkdir": 1, "os.chmod": 1, "os.utime": 1,
                "os.truncate": 1, "os.link": 2, "os.symlink": 2, "shutil.copyfile": 2, "shutil.rmtree": 1}


def _watched(path) -> bool:
    try:
        text = os.path.abspath(os.fsdecode(path))
    except TypeError:  # a file descriptor
        return False
    return any(text == root or text.startswith(root + os.sep) for root in _WATCHED)


def _audit(event: str, args: tuple) -> None:
    if not _WATCHED:
        return
    if event == "open" and args[0] is not None and args[2] & _WRITE_FLAGS and _watched(args[0]):
        _VIOLATIONS.append((event, args[0], args[1]))
    elif event in _PATH_EVENTS and any(_watched(p) for p in args[:_PATH_EVENTS[event]] if p is not None):
        _VIOLATIONS.append((event, *args[:_PATH_EVENTS[event]]))


sys.addaudithook(_audit)  # hooks cannot be removed: it does nothing while nothing is watched


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """sha256 (or 'folder') and st_mtime_ns of `root` and everything under it."""
    paths = [root, *sorted(root.rglob("*"))]
    return {str(p): (hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder", p.stat().st_mtime_ns)
            for p in paths}


def every_command(src: Path, workbook: Path, out: Path, once: bool) -> list[list]:
    """Each command and format reading `src` (and `workbook` as the other side), writing only under `out`."""
    out.mkdir(parents=True)
    commands = [
        ["validate", src], ["validate", src, "--format", "json"],
        *(["audit", src, "--format", f] for f in ("table", "json", "markdown")),
        ["audit", src, "--format", "markdown", "--output", out / "audit.md"],
        *(["cost", src, "--format", f] for f in ("table", "json", "csv", "markdown")),
        *(["graph", src, "--format", f] for f in ("mermaid", "dot", "graphml", "json")),
        ["graph", src, "1.000001", "--format", "dot"],
        *(["check", src, "--format", f, "--baseline", workbook] for f in ("table", "json", "github", "sarif", "junit")),
        ["diff", src, workbook], ["diff", workbook, src, "--format", "markdown"],
        ["plan", src, "--output", out / "plan.yaml"],
        ["audit", src, "--scenario", out / "plan.yaml", "--format", "json"],
        ["report", src, "--output", out / "report.xlsx"],
        ["convert", src, out / "converted.xlsx"], ["convert", src, out / "converted.yaml"],
        ["convert", src, out / "converted"],
    ]
    if once:  # commands that read no catalogue
        commands += [*(["schema", "--file", f] for f in ("procedure", "catalog", "evidence_types", "databases")),
                     ["schema", "--output", out / "schema.json"], ["rules"], ["rules", "--format", "json"],
                     ["rule", "DOC001"], ["init", out / "new"]]
    return commands


def test_no_command_changes_or_writes_an_input_file(cli, inputs, tmp_path, monkeypatch):
    folder, workbook = inputs
    monkeypatch.setenv("SIMPLIFY_CACHE_DIR", str(tmp_path / "cache"))   # the parse cache on, as users run it
    before = snapshot(folder.parent)
    runs = (every_command(folder, workbook, tmp_path / "out" / "folder", once=True)
            + every_command(workbook, folder, tmp_path / "out" / "workbook", once=False))
    _WATCHED.append(os.path.abspath(folder.parent))
    try:
        outcomes = [(args[0], *cli(*args, *([] if args[0] in ("schema", "init") else ["--lang", "en"]))) for args in runs]
    finally:
        _WATCHED.clear()
    failed = [(name, code, err) for name, code, _, err in outcomes if code not in (0, 1) or "E299" in err or "Traceback" in err]
    assert failed == []
    assert len(outcomes) == 65
    assert snapshot(folder.parent) == before
    assert _VIOLATIONS == []
    written = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").glob("*/*"))
    assert written == sorted([f"{form}/{name}" for form in ("folder", "workbook") for name in (
        "audit.md", "plan.yaml", "report.xlsx", "converted.xlsx", "converted.yaml", "converted")]
        + ["folder/new", "folder/schema.json"])


def test_the_audit_hook_would_see_a_write(tmp_path):
    """The check above is only as good as its hook: writing, renaming and removing under a watched folder are seen."""
    watched = tmp_path / "watched"
    watched.mkdir()
    _WATCHED.append(os.path.abspath(watched))
    try:
        (watched / "a.yaml").write_text("x", encoding="utf-8")
        os.replace(watched / "a.yaml", watched / "b.yaml")
        (watched / "b.yaml").read_text(encoding="utf-8")
        os.remove(watched / "b.yaml")
    finally:
        _WATCHED.clear()
    seen = [v[0] for v in _VIOLATIONS]
    _VIOLATIONS.clear()
    assert seen == ["open", "os.rename", "os.remove"]


# -- convert never overwrites unasked ---------------------------------------------------------------


def test_convert_refuses_a_non_empty_folder_unless_forced(cli, inputs, tmp_path):
    folder, _ = inputs
    target = tmp_path / "target"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    code, _, err = cli("convert", folder, target, "--lang", "en")
    assert code == 2
    assert "E101" in err and "--force" in err
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]

    code, _, err = cli("convert", folder, target, "--force", "--lang", "en")
    assert code == 0, err
    assert sorted(p.name for p in target.iterdir()) == ["catalog.yaml", "databases.yaml", "evidence_types.yaml",
                                                        "notes.txt", "procedures"]
    assert (target / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert load_catalog(target)[0].procedures == load_catalog(folder)[0].procedures


def test_convert_refuses_an_existing_file_unless_forced(cli, inputs, tmp_path):
    folder, workbook = inputs
    target = tmp_path / "existing.xlsx"
    target.write_bytes(b"not mine to overwrite")
    code, _, err = cli("convert", folder, target, "--lang", "en")
    assert code == 2 and "E101" in err and "--force" in err
    assert target.read_bytes() == b"not mine to overwrite"
    code, _, err = cli("convert", folder, target, "--force", "--lang", "en")
    assert code == 0, err
    assert load_catalog(target)[0].procedures == load_catalog(workbook)[0].procedures


def test_convert_never_writes_into_its_source_even_when_forced(cli, inputs):
    folder, _ = inputs
    before = snapshot(folder)
    for target in (folder, folder / "procedures", folder / "copy.yaml"):
        code, _, err = cli("convert", folder, target, "--force", "--lang", "en")
        assert code == 2 and "E101" in err, (target, err)
    assert snapshot(folder) == before
