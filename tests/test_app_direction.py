"""`annotations` may import `library`; `library` never imports `annotations` (DESIGN.md)."""

import ast
from pathlib import Path

LIBRARY = Path(__file__).resolve().parents[1] / "library"


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_library_imports_nothing_from_annotations():
    offenders = {
        str(path.relative_to(LIBRARY.parent)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] == "annotations"
        )
        for path in LIBRARY.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
