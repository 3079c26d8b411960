#!/usr/bin/env python3
"""Validates results.json files against docs/results.schema.json (needs the jsonschema package).

`--schema FILE` validates against another schema (e.g. docs/plan.schema.json for --plan-json files)."""
import json
import pathlib
import sys

import jsonschema

args = sys.argv[1:]
schema_path = pathlib.Path(__file__).resolve().parent.parent / "docs" / "results.schema.json"
if args[:1] == ["--schema"] and len(args) > 1:
    schema_path, args = pathlib.Path(args[1]), args[2:]
schema = json.loads(schema_path.read_text())
validator = jsonschema.Draft202012Validator(schema)
failed = False
for name in args:
    errors = sorted(validator.iter_errors(json.loads(pathlib.Path(name).read_text())), key=str)
    for error in errors:
        failed = True
        print(f"{name}: {'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}")
sys.exit(1 if failed else 0)
