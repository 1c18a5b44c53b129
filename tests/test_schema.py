"""The JSON Schema is generated from the model and agrees with the reader."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
import yaml
from conftest import MINI

from simplify.schema import file_schema


@pytest.mark.parametrize("path", sorted((MINI / "procedures").glob("*.yaml")), ids=lambda p: p.name)
def test_mini_procedures_validate(path):
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), file_schema("procedure"))


@pytest.mark.parametrize("which, name", [("catalog", "catalog.yaml"), ("evidence_types", "evidence_types.yaml"),
                                         ("databases", "databases.yaml")])
def test_other_files_validate(which, name):
    data = yaml.safe_load((MINI / name).read_text(encoding="utf-8"))
    if which == "catalog":
        data["baseline"]["date"] = str(data["baseline"]["date"])  # PyYAML reads dates as date objects
    jsonschema.validate(data, file_schema(which))


@pytest.mark.parametrize("bad", [
    {"code": 1.001193, "name": "x"},                       # unquoted code
    {"code": "1", "name": "x", "docments": []},            # unknown key
    {"code": "1", "name": "x", "online_share": 1.4},       # out of range
    {"code": "1", "name": "x", "steps": [{"id": "a", "hours": -1}]},
    {"name": "x"},                                         # code missing
    {"code": "1", "name": "x", "channels": ["fax"]},
])
def test_schema_rejects_what_validate_rejects(bad):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, file_schema("procedure"))


def test_schema_command_prints_json():
    out = subprocess.run([sys.executable, "-m", "simplify", "schema", "--file", "databases"],
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out)["required"] == ["databases"]
