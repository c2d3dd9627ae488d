"""The pure cores of scheduling import neither Django nor the apps: plain values in, plain values out."""

import ast
from pathlib import Path

import scheduling.domain

DOMAIN = Path(scheduling.domain.__file__).parent


def test_the_change_set_imports_only_the_standard_library():
    for module in DOMAIN.glob("*.py"):
        tree = ast.parse(module.read_text())
        imported = {
            (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        outside = {name for name in imported if name.split(".")[0] in {"django", "visits", "notifications"}}
        outside |= {name for name in imported if name.startswith("scheduling") and ".domain" not in name}
        assert not outside, f"{module.name} imports {sorted(outside)}"
