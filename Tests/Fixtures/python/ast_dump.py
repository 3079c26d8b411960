"""Reference dump of what the static scanner must extract, made with Python's own ast.

Usage: python3 ast_dump.py FILE... → one JSON object {path-as-given: module-or-error}.
The Swift test QCoordCoreTests/Python/PythonScannerASTTests compares the scanner to it.
"""
import ast
import json
import os
import sys


def dotted(expr):
    parts = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if isinstance(expr, ast.Name):
        parts.append(expr.id)
        return list(reversed(parts))
    return None


def dump(path):
    with open(path, "rb") as handle:
        source = handle.read()
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        return {"error": error.lineno}
    imports, classes = [], []
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                imports.append({"module": alias.name, "level": 0, "names": [],
                                "alias": alias.asname, "line": node.lineno})
        elif isinstance(node, ast.ImportFrom):
            imports.append({"module": node.module or "", "level": node.level,
                            "names": [[a.name, a.asname] for a in node.names],
                            "alias": None, "line": node.lineno})
        elif isinstance(node, ast.ClassDef):
            methods = []
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    methods.append({"name": item.name,
                                    "isAsync": isinstance(item, ast.AsyncFunctionDef),
                                    "decorators": len(item.decorator_list),
                                    "docstring": ast.get_docstring(item, clean=False),
                                    "line": item.lineno})
            classes.append({"name": node.name,
                            "bases": [dotted(b) for b in node.bases],
                            "docstring": ast.get_docstring(node, clean=False),
                            "methods": methods,
                            "line": node.lineno})
    return {"imports": imports, "classes": classes}


def main():
    print(json.dumps({p: dump(p) for p in sys.argv[1:]}, sort_keys=True))


if __name__ == "__main__":
    main()
