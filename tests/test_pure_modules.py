"""The pure text modules must not import Django (DESIGN.md, STYLE.md §2)."""

import subprocess
import sys

PURE_MODULES = [
    "library.mentions",
    "library.terms",
    "library.analysis",
    "library.cleaning",
    "library.cleaning.__main__",
    "library.chinese",
    "annotations.anchoring",
    "annotations.webannotation",
    "annotations.exports",
]


def test_pure_modules_import_nothing_from_django():
    probe = (
        "import importlib, sys\n"
        f"for name in {PURE_MODULES!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def cleaner(*args: str) -> str:
    command = [sys.executable, "-m", "library.cleaning", *args]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout


def test_the_cleaner_runs_from_the_command_line(tmp_path):
    page = tmp_path / "post.txt"
    page.write_text("标题\n內(nèi)容", encoding="utf-8")
    assert cleaner(str(page)) == "标题\n\n內容\n"
    as_json = cleaner(str(page), "--json")
    assert '"rule": "pinyin-artifact"' in as_json
