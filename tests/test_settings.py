"""Settings come from the environment; production settings pass `check --deploy`."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Lq-production-test-key-" + "k" * 40,
    "ALLOWED_HOSTS": "pizhu.example.org",
    "SECURE_HSTS_PRELOAD": "1",
    "DATABASE_URL": "postgres://pizhu:secret@db.example.org:5432/pizhu",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean_env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean_env, "PIZHU_DATA_DIR": "/nonexistent-never-created", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_documented_production_settings_pass_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_database_url_selects_postgresql():
    probe = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = manage("shell", "-v", "0", "-c", probe, env=PRODUCTION)
    assert result.stdout.strip() == "django.db.backends.postgresql", result.stderr


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite lane only")
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    probe = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
        "    c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])\n"
    )
    result = manage(
        "shell", "-v", "0", "-c", probe, env={"DEBUG": "1", "PIZHU_DATA_DIR": str(tmp_path)}
    )
    assert result.stdout.split() == ["wal", "20000"], result.stderr
    assert (tmp_path / "pizhu.sqlite3").exists()


def test_production_static_files_collect_into_a_hashed_manifest(tmp_path):
    result = manage("collectstatic", "--noinput", env={**PRODUCTION, "STATIC_ROOT": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert '"css/pizhu.css": "css/pizhu.' in manifest
    assert list(tmp_path.glob("css/pizhu.*.css.gz"))  # WhiteNoise's compressed copy
