"""`simplify graph`: step graphs, the document network and their four formats, on the mini catalogue."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from simplify.catalog.loader import require_catalog
from simplify.cli import _register, app
from simplify.commands.graph import split_arguments
from simplify.graph import focus_codes, network_diagram, procedure_diagram
from simplify.model import Document, Procedure, Step
from simplify.options import DEFAULT_CATALOG
from simplify.report import dot, graphml, mermaid, nodelink
from simplify.steps import critical_path, elapsed_days, in_list_order, reached, topological_order, unreachable

from conftest import DATA, MINI, REPO

GOLDEN = DATA / "graph"
DOT = shutil.which("dot")
needs_dot = pytest.mark.skipif(DOT is None, reason="Graphviz `dot` is not installed (CI installs it)")


@pytest.fixture(scope="module")
def catalog():
    return require_catalog(MINI)[0]


def steps_only(g: nx.DiGraph) -> tuple[list, list]:
    nodes = [n for n, d in g.nodes(data=True) if d["kind"] == "step"]
    edges = [(a, b) for a, b, d in g.edges(data=True) if d["kind"] == "after"]
    return nodes, edges


# --- step graph -------------------------------------------------------------

def test_birth_registration_is_a_chain_of_four_steps_all_critical(catalog):
    p = catalog.procedure("1.000001")
    g = procedure_diagram(p)
    assert steps_only(g) == (
        ["prepare", "submit", "process", "receive"],
        [("prepare", "submit"), ("submit", "process"), ("process", "receive")],
    )
    assert critical_path(p.steps) == ["prepare", "submit", "process", "receive"]
    assert [n for n, d in g.nodes(data=True) if d["critical"]] == ["prepare", "submit", "process", "receive"]
    assert all(d["critical"] for _, _, d in g.edges(data=True) if d["kind"] == "after")
    assert g.graph["elapsed_days"] == 3.0
    assert g.graph["title"] == "1.000001 Đăng ký khai sinh (ví dụ) — 3 ngày theo đường găng (màu đỏ)"


def test_documents_hang_off_the_step_they_are_handed_in_at(catalog):
    g = procedure_diagram(catalog.procedure("1.000001"))
    docs = [(n, next(iter(g.successors(n))), d["label"]) for n, d in g.nodes(data=True) if d["kind"] == "document"]
    # Neither document names a step: both go to the first applicant step.
    assert docs == [
        ("doc:0:to_khai", "prepare", "Tờ khai\n1 bản chính"),
        ("doc:1:cccd", "prepare", "Căn cước công dân\n1 bản sao có chứng thực"),
    ]
    en = procedure_diagram(catalog.procedure("1.000001"), "en")
    assert en.nodes["doc:1:cccd"]["label"] == "Căn cước công dân\n1 certified copy"
    assert not any(d["critical"] for _, _, d in g.edges(data=True) if d["kind"] == "handed_in")


def test_step_labels_show_actor_time_and_marks(catalog):
    g = procedure_diagram(catalog.procedure("1.000001"))
    assert g.nodes["submit"]["label"] == "Nộp hồ sơ\nNgười nộp · 0,5 giờ\n[tại chỗ] [trực tuyến]"
    assert g.nodes["process"]["label"] == "Giải quyết\nCơ quan · 3 ngày"
    assert g.nodes["receive"]["label"] == "Nhận kết quả\nNgười nộp\n[tại chỗ]"
    en = procedure_diagram(catalog.procedure("1.000001"), "en")
    assert en.nodes["submit"]["label"] == "Nộp hồ sơ\nApplicant · 0.5 h\n[in person] [online]"
    assert en.nodes["process"]["label"] == "Giải quyết\nAgency · 3 days"
    assert en.graph["title"] == "1.000001 Đăng ký khai sinh (ví dụ) — 3 days along the critical path (red)"


def test_explicit_after_gives_the_same_edge(catalog):
    g = procedure_diagram(catalog.procedure("2.000003"))
    assert steps_only(g) == (["draft", "send"], [("draft", "send")])
    assert [n for n, d in g.nodes(data=True) if d["critical"]] == ["draft", "send"]
    assert g.graph["elapsed_days"] == 0.0


def branching() -> Procedure:
    """start -> (review 5 days | pay 1 day) -> receive: review is on the critical path, pay is not."""
    return Procedure(code="9.1", name="Rẽ nhánh", steps=(
        Step(id="start", name="Nộp", after=()),
        Step(id="review", name="Thẩm định", actor="agency", days=5, after=("start",)),
        Step(id="pay", name="Nộp phí", hours=0.25, after=("start",)),
        Step(id="receive", name="Nhận", after=("review", "pay")),
    ), documents=(Document(evidence="to_khai", name="Tờ khai", original=1, step="pay"),))


def test_the_critical_path_takes_the_longest_branch_and_ends_at_the_last_step():
    g = procedure_diagram(branching())
    assert [n for n, d in g.nodes(data=True) if d["critical"]] == ["start", "review", "receive"]
    assert sorted((a, b) for a, b, d in g.edges(data=True) if d["critical"]) == [
        ("review", "receive"), ("start", "review"),
    ]
    assert g.graph["elapsed_days"] == 5.0
    assert g.nodes["pay"]["label"] == "Nộp phí\nNgười nộp · 0,25 giờ"


# --- document network -------------------------------------------------------

NETWORK_EDGES = {
    ("procedure:1.000001", "evidence:giay_khai_sinh", "issues", False),
    ("procedure:2.000003", "evidence:bao_cao", "issues", False),
    ("evidence:to_khai", "procedure:1.000001", "asks", False),
    ("evidence:to_khai", "procedure:1.000002", "asks", False),
    # held in the connected population database (ONCE001 in EXPECTED.md)
    ("evidence:cccd", "procedure:1.000001", "asks", True),
    # issued by 1.000001 (ONCE002 in EXPECTED.md)
    ("evidence:giay_khai_sinh", "procedure:1.000002", "asks", True),
    ("evidence:cccd", "database:dan_cu", "held_in", False),
}


def network_edges(g: nx.DiGraph) -> set:
    return {(a, b, d["kind"], d["once_only"]) for a, b, d in g.edges(data=True)}


def test_the_network_of_the_mini_catalogue(catalog):
    g = network_diagram(catalog)
    assert network_edges(g) == NETWORK_EDGES
    assert {n: d["kind"] for n, d in g.nodes(data=True)} == {
        "procedure:1.000001": "procedure", "procedure:1.000002": "procedure", "procedure:2.000003": "procedure",
        "evidence:to_khai": "evidence", "evidence:cccd": "evidence", "evidence:giay_khai_sinh": "evidence",
        "evidence:bao_cao": "evidence", "database:dan_cu": "database",
    }
    assert g.nodes["procedure:1.000001"]["label"] == "1.000001\nĐăng ký khai sinh (ví dụ)"
    assert g.nodes["database:dan_cu"]["label"] == "Cơ sở dữ liệu quốc gia về dân cư\n[đã kết nối]"
    assert not any(d["focus"] for _, d in g.nodes(data=True))


def test_focus_on_a_ministry_keeps_its_procedures_and_their_reuse_neighbours(catalog):
    assert focus_codes(catalog, ministry="bộ công an") == {"1.000002"}
    g = network_diagram(catalog, ministry="BỘ CÔNG AN")
    # 1.000001 stays: it issues the birth certificate 1.000002 asks for; 2.000003 and cccd go.
    assert set(g) == {"procedure:1.000002", "evidence:to_khai", "evidence:giay_khai_sinh", "procedure:1.000001"}
    assert [n for n, d in g.nodes(data=True) if d["focus"]] == ["procedure:1.000002"]
    assert ("evidence:giay_khai_sinh", "procedure:1.000002", "asks", True) in network_edges(g)


def test_focus_on_a_life_event_keeps_the_databases_of_the_documents_asked(catalog):
    g = network_diagram(catalog, life_event="birth")
    assert "database:dan_cu" in g and "procedure:2.000003" not in g
    assert {n for n, d in g.nodes(data=True) if d["focus"]} == {"procedure:1.000001", "procedure:1.000002"}
    assert focus_codes(catalog, life_event="birth", ministry="Bộ Nội vụ") == set()


# --- Mermaid ----------------------------------------------------------------

NODE_LINE = re.compile(r'^  n\d+(\["|\("|\(\["|\[\(")[^"\n]*("\]|"\)|"\]\)|"\)\])$')


def test_mermaid_has_a_node_per_step_and_an_edge_per_dependency(catalog):
    text = mermaid.mermaid_procedure(catalog.procedure("1.000001"))
    lines = text.splitlines()
    assert lines[:4] == [
        "---", 'title: "1.000001 Đăng ký khai sinh (ví dụ) — 3 ngày theo đường găng (màu đỏ)"', "---", "flowchart LR",
    ]
    nodes = [line for line in lines if NODE_LINE.match(line)]
    assert len(nodes) == 4 + 2  # four steps, two documents
    assert [line for line in lines if " --> " in line] == ["  n0 --> n1", "  n1 --> n2", "  n2 --> n3"]
    assert [line for line in lines if " -.-> " in line] == ["  n4 -.-> n0", "  n5 -.-> n0"]
    assert "  class n0,n1,n2,n3 critical" in lines
    assert "  linkStyle 0,1,2 stroke:#c0392b,stroke-width:3px" in lines
    assert '  n1["Nộp hồ sơ<br/>Người nộp · 0,5 giờ<br/>[tại chỗ] [trực tuyến]"]' in lines


def test_mermaid_network_colours_the_once_only_edges(catalog):
    lines = mermaid.mermaid_network(catalog).splitlines()
    edges = [line.strip() for line in lines if "->" in line]
    once = {i for i, (a, b, d) in enumerate(network_diagram(catalog).edges(data=True)) if d["once_only"]}
    assert len(edges) == len(NETWORK_EDGES) and len(once) == 2
    assert f"  linkStyle {','.join(map(str, sorted(once)))} stroke:#e67e22,stroke-width:3px" in lines


def test_mermaid_escape():
    assert mermaid.escape('Tờ "khai" <b>#1</b> & `x`') == "Tờ #quot;khai#quot; #lt;b#gt;#35;1#lt;/b#gt; #amp; #96;x#96;"
    assert mermaid.escape("dòng 1\ndòng 2") == "dòng 1<br/>dòng 2"
    # A literal entity code in a name stays literal.
    assert mermaid.escape("#quot;") == "#35;quot;"


def hostile() -> Procedure:
    name = 'Bước "1" [a] {b} (c) <d> #e; f|g `h`\nđăng ký — Đ'
    return Procedure(code="9.2", name='Thủ tục "khó" <x> #1', steps=(
        Step(id="a.b-c_d", name=name, after=()),
        Step(id="end", name="]) --> x[", after=("a.b-c_d",)),
    ), documents=(Document(evidence="to_khai", name='Tờ khai "A" [B]\n#C', original=1, step="a.b-c_d"),))


def test_mermaid_labels_of_any_text_stay_inside_their_quotes():
    lines = mermaid.mermaid_procedure(hostile()).splitlines()
    assert lines[1] == 'title: "9.2 Thủ tục \\"khó\\" <x> #1 — 0 ngày theo đường găng (màu đỏ)"'
    nodes = [line for line in lines if re.match(r"  n\d+[\[(]", line)]
    assert len(nodes) == 3 and all(NODE_LINE.match(line) for line in nodes), nodes
    assert nodes[0] == '  n0["Bước #quot;1#quot; [a] {b} (c) #lt;d#gt; #35;e; f|g #96;h#96;<br/>đăng ký — Đ<br/>Người nộp"]'
    assert nodes[1] == '  n1["]) --#gt; x[<br/>Người nộp"]'


# --- DOT --------------------------------------------------------------------

def test_dot_quote():
    assert dot.quote('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert dot.quote("") == '""'
    assert dot.wrap("một hai ba bốn năm", 8) == "một hai\nba bốn\nnăm"


def test_dot_marks_the_critical_path(catalog):
    text = dot.dot_procedure(catalog.procedure("1.000001"))
    assert '  "prepare" -> "submit" [color="#c0392b", penwidth=3];' in text
    assert '  "doc:1:cccd" -> "prepare" [style=dashed, color="#888888", arrowsize=0.6];' in text
    assert text.startswith('digraph "1.000001 Đăng ký khai sinh (ví dụ) — 3 ngày theo đường găng (màu đỏ)" {')


def render_svg(text: str) -> str:
    run = subprocess.run([DOT, "-Tsvg"], input=text.encode("utf-8"), capture_output=True, timeout=30)
    assert run.returncode == 0 and run.stderr == b"", run.stderr.decode()
    return run.stdout.decode("utf-8")


@needs_dot
def test_dot_renders_without_warnings(catalog):
    svg = render_svg(dot.dot_procedure(catalog.procedure("1.000001")))
    assert "Căn cước công dân" in svg
    svg = render_svg(dot.dot_network(catalog, "en"))
    assert "Đăng ký thường trú (ví dụ)" in svg


@needs_dot
def test_dot_of_hostile_names_renders_as_written():
    svg = render_svg(dot.dot_procedure(hostile()))
    assert ">Bước &quot;1&quot; [a] {b} (c) &lt;d&gt; #e; f|g</text>" in svg  # wrapped at 34 characters
    assert ">]) &#45;&#45;&gt; x[</text>" in svg
    assert ">Tờ khai &quot;A&quot; [B]</text>" in svg


# --- GraphML and node-link JSON ---------------------------------------------

def same_graph(a: nx.DiGraph, b: nx.DiGraph) -> None:
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(data=True)) == list(b.edges(data=True))
    assert a.graph.items() <= b.graph.items()  # GraphML adds empty node and edge defaults


@pytest.mark.parametrize("which", ["procedure", "network", "hostile"])
def test_graphml_round_trips_through_networkx(catalog, which):
    g = {"procedure": lambda: procedure_diagram(catalog.procedure("1.000001")),
         "network": lambda: network_diagram(catalog),
         "hostile": lambda: procedure_diagram(hostile())}[which]()
    back = nx.read_graphml(io.BytesIO(graphml.render(g).encode("utf-8")))
    same_graph(g, back)


def test_graphml_is_utf8_with_vietnamese_as_written(catalog):
    text = graphml.graphml_procedure(catalog.procedure("1.000001"))
    assert text.startswith("<?xml version='1.0' encoding='utf-8'?>")
    assert "Căn cước công dân" in text


def test_node_link_json_round_trips(catalog):
    data = json.loads(nodelink.nodelink_network(catalog))
    assert sorted(data) == ["directed", "edges", "graph", "multigraph", "nodes"]
    same_graph(network_diagram(catalog), nx.node_link_graph(data, edges="edges"))
    step = json.loads(nodelink.nodelink_procedure(catalog.procedure("1.000001")))
    assert step["nodes"][1] == {
        "kind": "step", "label": "Nộp hồ sơ\nNgười nộp · 0,5 giờ\n[tại chỗ] [trực tuyến]", "name": "Nộp hồ sơ",
        "actor": "applicant", "hours": 0.5, "days": 0.0, "cost": 0.0, "in_person": True, "online": True,
        "critical": True, "id": "submit",
    }


# --- golden files -----------------------------------------------------------

GOLDEN_CASES = {
    "1.000001.mmd": lambda c: mermaid.mermaid_procedure(c.procedure("1.000001")),
    "1.000001.en.dot": lambda c: dot.dot_procedure(c.procedure("1.000001"), "en"),
    "network.mmd": lambda c: mermaid.mermaid_network(c),
    "network-birth.dot": lambda c: dot.dot_network(c, life_event="birth"),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden(catalog, name):
    text = GOLDEN_CASES[name](catalog)
    path = GOLDEN / name
    if os.environ.get("SIMPLIFY_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


# --- the command ------------------------------------------------------------

def test_one_argument_is_a_path_when_it_exists_else_a_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cat").mkdir()
    assert split_arguments(None, None) == (DEFAULT_CATALOG, None)
    assert split_arguments("cat", None) == (tmp_path.joinpath("cat").relative_to(tmp_path), None)
    assert split_arguments("1.001193", None) == (DEFAULT_CATALOG, "1.001193")
    assert split_arguments("missing/cat", None)[1] is None
    assert split_arguments("missing.xlsx", None)[1] is None
    assert split_arguments("cat", "1.001193")[1] == "1.001193"


@pytest.fixture(scope="module")
def runner():
    _register()
    return CliRunner()


def test_cli_writes_each_format(runner, tmp_path):
    for fmt, start in [("mermaid", "---"), ("dot", "digraph"), ("graphml", "<?xml"), ("json", "{")]:
        out = tmp_path / f"g.{fmt}"
        result = runner.invoke(app, ["graph", str(MINI), "1.000001", "--format", fmt, "--output", str(out), "--no-progress"])
        assert result.exit_code == 0, result.output
        assert out.read_text(encoding="utf-8").startswith(start)
    result = runner.invoke(app, ["graph", str(MINI), "--life-event", "birth", "--lang", "en", "--no-progress"])
    assert result.exit_code == 0
    assert result.stdout.startswith('---\ntitle: "Ví dụ nhỏ — document network (life event birth). Orange: ')


def test_cli_code_alone_uses_the_default_catalogue(runner, tmp_path, monkeypatch):
    shutil.copytree(MINI, tmp_path / "procedures_catalog")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["graph", "2.000003", "--format", "json", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert [n["id"] for n in json.loads(result.stdout)["nodes"]] == ["draft", "send"]


@pytest.mark.parametrize("args, message", ids=["unknown", "near", "no-focus", "code-and-focus"], argvalues=[
    (["9.9"], "no procedure '9.9'"),
    (["1.00001"], "did you mean: 1.000001"),
    (["--ministry", "Bộ X"], "no procedure of ministry 'Bộ X' (life events: birth; ministries: Bộ Công an, Bộ Nội vụ, Bộ Tư pháp)"),
    (["1.000001", "--life-event", "birth"], "focus the document network"),
])
def test_cli_usage_errors_exit_2_without_a_traceback(args, message):
    run = subprocess.run([sys.executable, "-m", "simplify", "graph", str(MINI), *args, "--lang", "en"],
                         capture_output=True, text=True, cwd=REPO, timeout=60)
    assert run.returncode == 2
    assert message in " ".join(run.stderr.split())
    assert "Traceback" not in run.stderr and run.stdout == ""


# --- elapsed days: the quick pass in list order against the critical path's days ---------------------

_IDS = ("a", "b", "c", "d", "e", "f")
_DAYS = st.sampled_from([0.0, 0.1, 0.2, 0.3, 1.0, 1 / 3, 2.5, 7.0, 1e-9, 1e9])


@st.composite
def step_lists(draw) -> tuple[Step, ...]:
    """Up to six steps, some waiting for earlier, later, unknown or the same steps, ids sometimes repeated."""
    count = draw(st.integers(0, 6))
    ids = [draw(st.sampled_from(_IDS)) if draw(st.integers(0, 9)) == 0 else _IDS[i] for i in range(count)]
    steps = []
    for i, step_id in enumerate(ids):
        after = draw(st.one_of(st.none(), st.lists(st.sampled_from(list(_IDS) + ["x"]), max_size=3).map(tuple),
                               st.just(tuple(ids[max(0, i - 2):i]))))
        steps.append(Step(id=step_id, days=draw(_DAYS), after=after))
    return tuple(steps)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(step_lists())
def test_elapsed_days_are_the_days_of_the_critical_path_to_the_last_bit(steps):
    by_id = {s.id: s for s in steps}
    on_path = float(sum(by_id[i].days for i in critical_path(steps)))
    assert repr(elapsed_days(steps)) == repr(on_path)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(step_lists(), st.frozensets(st.sampled_from(list(_IDS) + ["x"]), max_size=2))
def test_steps_in_list_order_have_no_cycle_and_the_same_unreachable_steps(steps, also_from):
    first: dict[str, Step] = {}
    for s in steps:  # as the builder checks them: each id once
        first.setdefault(s.id, s)
    unique = tuple(first.values())
    if in_list_order(unique):
        assert topological_order(unique) is not None
    if unique:
        for listed in (unique, steps):  # as the builder asks, and with ids repeated
            roots = {listed[0].id, *(i for i in also_from if i in {s.id for s in listed})}
            assert unreachable(listed, also_from) == [s.id for s in listed if s.id not in reached(listed, roots)]


def test_a_repeated_step_id_is_searched_not_taken_in_one_pass():
    steps = (Step(id="r"), Step(id="a", after=()), Step(id="c", after=("a",)), Step(id="b", after=("r",)),
             Step(id="a", after=("b",)))
    assert unreachable(steps) == []  # r -> b -> a -> c, through the second a
