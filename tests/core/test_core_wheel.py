"""The wheel works on its own: built with ``pip wheel .``, installed in a fresh virtual
environment outside the repository, ``trustfund demo --no-serve DIR`` runs the main job.

This is what a treasurer installing a release gets: no source tree, no ``examples/`` folder,
dependencies as ``pyproject.toml`` declares them. It needs the package registry (or pip's
cache) for the dependencies, as ``.ci/run`` has.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "xinyi"

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    # Nothing of this repository may leak in: no PYTHONPATH, run from outside the clone.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _check(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, (result.args, result.stdout[-4000:] + result.stderr[-4000:])
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _check(
        _run(
            [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(out)],
            out,
        )
    )
    (built,) = out.glob("trustfund-*.whl")
    return built


def test_wheel_holds_the_demo_community(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for source in DEMO.rglob("*"):
        relative = source.relative_to(DEMO)
        if source.is_file() and not any(
            p.startswith(".") or p == "__pycache__" for p in relative.parts
        ):
            assert f"trustfund/ops/demo_data/{relative.as_posix()}" in names, relative
    assert "cli.py" in names and "trustfund/xinyi.py" in names
    assert not any(name.startswith(("tests/", "examples/", "benchmarks/")) for name in names)


def test_installed_wheel_runs_the_demo_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    assert not tmp_path.is_relative_to(ROOT)
    venv = tmp_path / "venv"
    _check(_run([sys.executable, "-m", "venv", str(venv)], tmp_path))
    python = venv / "bin" / "python"
    _check(_run([str(python), "-m", "pip", "install", "-q", str(wheel)], tmp_path))

    where = _check(
        _run([str(python), "-c", "import trustfund.ops.demo as d; print(d.__file__)"], tmp_path)
    )
    assert Path(where.strip()).is_relative_to(venv), where  # the installed copy, not the clone

    demo = _run([str(venv / "bin" / "trustfund"), "demo", "--no-serve", "community"], tmp_path)
    output = _check(demo)
    assert "no errors" in output, output
    target = tmp_path / "community"
    assert (target / "main.beancount").is_file()
    assert list((target / "imports").rglob("2026-01.beancount")), output
    for kind in ("public", "budget", "audit"):
        for extension in ("txt", "html", "xlsx", "csv"):
            report = target / "reports" / f"{kind}-2025.{extension}"
            assert report.is_file() and report.stat().st_size > 0, report
    check = _run([str(venv / "bin" / "trustfund"), "check", "community"], tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
