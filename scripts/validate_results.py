#!/usr/bin/env python3
"""Validates results.json files against docs/results.schema.json (needs the jsonschema package)."""
import json
import pathlib
import sys

import jsonschema

schema_path = pathlib.Path(__file__).resolve().parent.parent / "docs" / "results.schema.json"
schema = json.loads(schema_path.read_text())
validator = jsonschema.Draft202012Validator(schema)
failed = False
for name in sys.argv[1:]:
    errors = sorted(validator.iter_errors(json.loads(pathlib.Path(name).read_text())), key=str)
    for error in errors:
        failed = True
        print(f"{name}: {'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}")
sys.exit(1 if failed else 0)
