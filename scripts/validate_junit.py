#!/usr/bin/env python3
"""Validates JUnit XML files against docs/junit.xsd (needs `xmlschema`).

Usage: validate_junit.py FILE...   exit 0 when all are valid, 1 with the errors otherwise.
"""
import os
import sys

import xmlschema

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "junit.xsd")


def main(paths):
    schema = xmlschema.XMLSchema(SCHEMA)
    bad = 0
    for path in paths:
        errors = list(schema.iter_errors(path))
        for err in errors:
            print(f"{path}: {err.reason} (at {err.path})")
        bad += bool(errors)
        if not errors:
            print(f"{path}: valid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
