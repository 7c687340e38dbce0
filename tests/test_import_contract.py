"""The import contract of pyproject.toml (`[tool.importlinter]`): imports flow one way, from
decisions down to reviews, applications and portal, and inside each app from views down to
forms, domain, rules, models and enums; function-level imports count. Run here so that the test
command fails on a new cycle or upward import."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "portal",
    "applications",
    "reviews",
    "decisions",
    "conventions",
    "catalogue",
    "changes",
    "sandbox",
    "demo",
)
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(cwd / "pyproject.toml")],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _copy_project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return tmp_path


def test_import_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_import_contract_fails_on_an_upward_import_between_apps(tmp_path):
    project = _copy_project(tmp_path)
    planted = project / "applications" / "models" / "planted.py"
    planted.write_text("from decisions.models import Decision  # noqa: F401\n")
    result = lint_imports(project)
    assert result.returncode != 0
    assert "applications.models.planted -> decisions.models" in result.stdout


def test_import_contract_fails_on_a_function_level_upward_import_inside_an_app(tmp_path):
    project = _copy_project(tmp_path)
    planted = project / "reviews" / "models" / "planted.py"
    planted.write_text(
        "def later():\n    from reviews.domain.commission import vote_open  # noqa: F401\n"
    )
    result = lint_imports(project)
    assert result.returncode != 0
    assert "reviews.models.planted -> reviews.domain.commission" in result.stdout
