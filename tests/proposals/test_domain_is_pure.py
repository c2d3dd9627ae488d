"""The solver's core imports no ORM: the standard library, OR-Tools and the conflict checker's pure values."""

import ast
from pathlib import Path

import proposals.domain

DOMAIN = Path(proposals.domain.__file__).parent
ALLOWED = {"proposals.domain", "scheduling.conflicts", "scheduling.availability", "ortools"}


def test_the_solver_core_imports_only_pure_modules():
    for module in DOMAIN.glob("*.py"):
        tree = ast.parse(module.read_text())
        imported = {
            (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        ours = {"django", "visits", "scheduling", "api"}
        project = {name for name in imported if name.split(".")[0] in ours}
        outside = {name for name in project if not any(name.startswith(a) for a in ALLOWED)}
        outside |= {name for name in imported if name.startswith("proposals") and ".domain" not in name}
        assert not outside, f"{module.name} imports {sorted(outside)}"
