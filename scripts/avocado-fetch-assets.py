#!/usr/bin/env python3
"""The peer of qcoord's static asset discovery for Avocado tests (issue 17; docs/assets.md):
every `fetch_asset(...)` call site in the classes of a tests/avocado tree, read with Python's
own `ast` (nothing imported or run), and whether its arguments are resolvable: string literals
(adjacent literals are one constant), `+` of resolvable strings, or names bound exactly once to
a resolvable value in the same function, else in the class body, else at module level
(`self.X`: the class body of the enclosing class). Avocado 113's signature:
fetch_asset(name, asset_hash=None, algorithm=None, locations=None, ...).

Usage: avocado-fetch-assets.py TREE > sites.json
The JSON: {"sites": [{"file", "class", "function", "line", "resolvable", "url", "hash",
"algorithm"}]} with url/hash null when not resolvable (url: the `name` argument, URL or file name).
"""
import ast
import json
import os
import sys
from collections import Counter

PARAMS = ["name", "asset_hash", "algorithm", "locations"]


def bindings(nodes):
    """name -> list of values bound (None: bound by something else than a plain assignment)."""
    out = {}
    for node in nodes:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out.setdefault(target.id, []).append(node.value)
                else:
                    for n in ast.walk(target):
                        if isinstance(n, ast.Name):
                            out.setdefault(n.id, []).append(None)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, (ast.AugAssign, ast.For, ast.With, ast.comprehension, ast.NamedExpr)):
            targets = [node.target] if hasattr(node, "target") else [i.optional_vars for i in node.items if i.optional_vars]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name):
                        out.setdefault(n.id, []).append(None)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                out.setdefault((a.asname or a.name).split(".")[0], []).append(None)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.setdefault(node.name, []).append(None)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.setdefault(node.name, []).append(None)
    return out


def function_bindings(func):
    nodes = [n for n in ast.walk(func) if n is not func]
    out = bindings(nodes)
    a = func.args
    for arg in a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x]:
        out.setdefault(arg.arg, []).append(None)
    return out


class Resolver:
    def __init__(self, module_b, class_b, func_b):
        self.scopes = [func_b, class_b, module_b]

    def value(self, node, depth=0, scope=0):
        if depth > 20 or node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            a, b = self.value(node.left, depth + 1, scope), self.value(node.right, depth + 1, scope)
            return a + b if isinstance(a, str) and isinstance(b, str) else None
        if isinstance(node, ast.List):
            items = [self.value(e, depth + 1, scope) for e in node.elts]
            return items if all(isinstance(i, str) for i in items) else None
        if isinstance(node, ast.Name):
            # A function's names: its own, else the module's (Python skips the class body);
            # a class body's: its own, else the module's.
            order = [scope, 2] if scope < 2 else [2]
            for s in order:
                bound = self.scopes[s].get(node.id)
                if bound is not None:
                    if len(bound) != 1 or bound[0] is None:
                        return None
                    return self.value(bound[0], depth + 1, s)
            return None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            bound = self.scopes[1].get(node.attr)
            if bound is None or len(bound) != 1 or bound[0] is None:
                return None
            return self.value(bound[0], depth + 1, 1)
        return None


def sites(path, rel):
    tree = ast.parse(open(path, "rb").read(), path)
    module_b = bindings(tree.body)
    out = []
    for cls in tree.body:
        if not isinstance(cls, ast.ClassDef):
            continue
        class_b = bindings(cls.body)
        for func in cls.body:
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) or func.name == "fetch_asset":
                continue
            resolver = Resolver(module_b, class_b, function_bindings(func))
            for call in ast.walk(func):
                if not isinstance(call, ast.Call):
                    continue
                f = call.func
                if not ((isinstance(f, ast.Attribute) and f.attr == "fetch_asset" and isinstance(f.value, ast.Name)
                         and f.value.id == "self") or (isinstance(f, ast.Name) and f.id == "fetch_asset")):
                    continue
                args = dict(zip(PARAMS, call.args))
                args.update({k.arg: k.value for k in call.keywords if k.arg})
                values = {k: (None if k not in args or (isinstance(args[k], ast.Constant) and args[k].value is None)
                              else resolver.value(args[k])) for k in PARAMS}
                given = {k for k in PARAMS if k in args and not (isinstance(args[k], ast.Constant) and args[k].value is None)}
                starred = any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords)
                ok = "name" in given and not starred and all(values[k] is not None for k in given)
                out.append({"file": rel, "class": cls.name, "function": func.name, "line": call.lineno,
                            "resolvable": ok, "url": values["name"] if ok else None,
                            "hash": values["asset_hash"] if ok else None,
                            "algorithm": (values["algorithm"] or "sha1") if ok and values["asset_hash"] else None})
    return out


def main():
    root = os.path.abspath(sys.argv[1])
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for f in sorted(filenames):
            if f.endswith(".py"):
                path = os.path.join(dirpath, f)
                found += sites(path, os.path.relpath(path, root))
    json.dump({"sites": found}, sys.stdout, indent=1)
    print()
    ok = [s for s in found if s["resolvable"]]
    print("avocado-fetch-assets %s: %d fetch_asset call sites, %d resolvable (%d unique url+hash), %d not"
          % (root, len(found), len(ok), len({(s["url"], s["hash"]) for s in ok}), len(found) - len(ok)), file=sys.stderr)


if __name__ == "__main__":
    main()
