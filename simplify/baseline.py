"""Read the baseline a catalogue is compared with: another catalogue, or a git revision of this one.

`--baseline` names a folder, a YAML file or a workbook, or `git:<rev>`: the
catalogue as committed at that revision of the repository that holds it,
read with git itself (`ls-tree` and `cat-file`) into a temporary folder,
so nothing is checked out and the work tree is never touched. git runs
without a shell, and a revision that could be read as an option is refused.
Every problem is an `InputError`: E204 when the baseline cannot be read,
the catalogue's own codes (with the baseline's name in their location) when
it can be read but is invalid.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path, PurePosixPath

from .catalog.loader import YAML_SUFFIXES, load_catalog
from .catalog.yaml_reader import Limits
from .cost import CostModel, catalog_costs
from .diagnostics import Diagnostic, InputError, diag
from .i18n import os_error
from .metrics import compute_metrics
from .model import Catalog, Location

GIT_PREFIX = "git:"


def load_baseline(ref: str, catalog_path: str | Path, limits: Limits = Limits()) -> Catalog:
    """The baseline catalogue named by `ref`; `catalog_path` locates the repository for `git:<rev>`."""
    if ref.startswith(GIT_PREFIX):
        return _load_git(ref[len(GIT_PREFIX):], Path(catalog_path), limits)
    path = Path(ref)
    if not path.exists():
        raise _error(ref, f"no such catalogue folder or file: {ref}", f"không có thư mục hoặc tệp danh mục: {ref}")
    return _load(path, ref, limits)


def baseline_metrics(catalog: Catalog, cost_model: CostModel) -> dict[str, float | None]:
    """The metrics of the baseline catalogue, costed with the current cost model."""
    return compute_metrics(catalog, catalog_costs(catalog, cost_model))


def _load(path: Path, name: str, limits: Limits) -> Catalog:
    catalog, diags = load_catalog(path, limits)
    if catalog is None:
        raise InputError([_relocate(d, name, path.is_dir()) for d in diags if d.is_error])
    return replace(catalog, path=name)


def _relocate(d: Diagnostic, name: str, folder: bool) -> Diagnostic:
    """The diagnostic located by the baseline's name, so it is not mistaken for one of the current catalogue."""
    file = f"{name}/{d.location.file}" if folder and d.location.file else name
    return replace(d, location=replace(d.location, file=file))


def _error(ref: str, en: str, vi: str) -> InputError:
    return InputError([diag("E204", Location(ref), en, vi)])


def _load_git(rev: str, catalog_path: Path, limits: Limits) -> Catalog:
    ref = GIT_PREFIX + rev
    if not rev or rev.startswith("-") or any(c in rev for c in ":\n\r\0 "):
        raise _error(ref, f"'{rev}' is not a revision git:<rev> accepts", f"'{rev}' không phải một phiên bản git:<rev> hợp lệ")
    absolute = catalog_path.resolve()
    folder = absolute if absolute.is_dir() else absolute.parent
    if not folder.is_dir():
        raise _error(ref, f"the catalogue {catalog_path} does not exist", f"danh mục {catalog_path} không tồn tại")
    top = _git(ref, folder, "rev-parse", "--show-toplevel",
               en=f"{catalog_path} is not inside a git repository", vi=f"{catalog_path} không nằm trong một kho git")
    root = Path(top.decode("utf-8", "replace").strip()).resolve()
    _git(ref, root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}",
         en=f"no revision '{rev}' in the repository {root}", vi=f"không có phiên bản '{rev}' trong kho {root}")
    try:
        inside = PurePosixPath(absolute.relative_to(root).as_posix())
    except ValueError:
        raise _error(ref, f"{catalog_path} is not inside the repository {root}",
                     f"{catalog_path} không nằm trong kho {root}") from None
    listing = _git(ref, root, "ls-tree", "-r", "-z", "--full-tree", rev, "--", str(inside),
                   en=f"cannot list {inside} at revision '{rev}'", vi=f"không liệt kê được {inside} ở phiên bản '{rev}'")
    blobs = [(name, sha) for name, sha in _blobs(listing) if name == str(inside) or _read_by_loader(name, inside)]
    if not blobs:
        raise _error(ref, f"{inside} did not exist at revision '{rev}'", f"{inside} chưa có ở phiên bản '{rev}'")
    with tempfile.TemporaryDirectory(prefix="simplify-baseline-") as tmp:
        base = Path(tmp)
        contents = _git(ref, root, "cat-file", "--batch", stdin=b"".join(sha + b"\n" for _, sha in blobs),
                        en="git cannot read the files of the revision", vi="git không đọc được các tệp của phiên bản")
        for (name, _), data in zip(blobs, _batch(contents)):
            target = base / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return _load(base / inside, f"{ref}:{inside}", limits)


def _git(ref: str, cwd: Path, *args: str, en: str, vi: str, stdin: bytes | None = None) -> bytes:
    """Run git with a list argv (never a shell); E204 carrying git's own words if it fails."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    except OSError as exc:
        en, vi = os_error(exc)
        raise _error(ref, f"cannot run git: {en}", f"không chạy được git: {vi}") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = f" ({said[0]})" if said else ""
        raise _error(ref, en + detail, vi + detail)
    return done.stdout


def _blobs(listing: bytes) -> list[tuple[str, bytes]]:
    """(path, sha) of every regular file in `ls-tree -z` output; links and submodules are left out."""
    found = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_name = entry.partition(b"\t")
        mode, kind, sha = meta.split(b" ")
        name = raw_name.decode("utf-8", "surrogateescape")
        # git refuses such trees itself; a crafted one must still not write outside the temporary folder
        unsafe = name.startswith("/") or ".." in PurePosixPath(name).parts
        if kind == b"blob" and mode in (b"100644", b"100755") and not unsafe:
            found.append((name, sha))
    return found


def _read_by_loader(name: str, folder: PurePosixPath) -> bool:
    """Whether the loader reads this file of a catalogue folder; nothing else is taken out of git."""
    parts = PurePosixPath(name).relative_to(folder).parts if str(folder) != "." else PurePosixPath(name).parts
    if len(parts) == 1:
        return parts[0] in ("catalog.yaml", "evidence_types.yaml", "databases.yaml")
    return len(parts) == 2 and parts[0] == "procedures" and PurePosixPath(parts[1]).suffix.lower() in YAML_SUFFIXES


def _batch(output: bytes):
    """The contents of each object in `cat-file --batch` output, in order."""
    at = 0
    while at < len(output):
        end = output.index(b"\n", at)
        size = int(output[at:end].split(b" ")[2])
        yield output[end + 1:end + 1 + size]
        at = end + 1 + size + 1
