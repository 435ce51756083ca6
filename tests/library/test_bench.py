"""`manage.py bench cleaning` runs both cleaners on a sample folder and prints the table."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

SAMPLES = Path(__file__).resolve().parent / "samples"


def test_bench_cleaning_prints_quality_and_speed_for_both_tools(tmp_path):
    for name in ("hans-sina-tech-01", "en-guardian-ai-jobs", "text-ptt-ai-coding-layoffs"):
        for path in SAMPLES.glob(f"{name}.*"):
            shutil.copy(path, tmp_path)
    out = StringIO()
    call_command("bench", "cleaning", "--repeat", "1", "--samples", str(tmp_path), stdout=out)
    table = out.getvalue()
    assert "Cleaning 3 pages" in table
    for row in ("| Chinese HTML | pizhu", "| Chinese HTML | trafilatura", "| plain text   | pizhu"):
        assert row in table
    assert "| trafilatura |" in table and "pages/s" in table


def test_bench_refuses_zero_rounds():
    with pytest.raises(CommandError):
        call_command("bench", "cleaning", "--repeat", "0", stdout=StringIO())
