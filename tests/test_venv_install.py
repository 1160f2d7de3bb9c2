"""`make venv` / `make test-venv` install only when something is missing or the requirements
changed (scripts/venv_install.py), so a virtualenv shared by two checkouts is not re-pointed by
every make run in the other one."""

import importlib.util
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "venv_install.py"


@pytest.fixture
def venv_install(monkeypatch, tmp_path):
    """The script with a temporary virtualenv folder for its stamp and pip calls recorded."""
    spec = importlib.util.spec_from_file_location("venv_install", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    installs = []
    monkeypatch.setattr(module.sys, "prefix", str(tmp_path))
    monkeypatch.setattr(module.subprocess, "run", lambda command, **kw: installs.append(command))
    module.installs = installs
    module.stamp = lambda extra=None: tmp_path / f".newsdesk-install{'-' + extra if extra else ''}"
    return module


def test_a_virtualenv_without_the_site_gets_it_installed_and_stamped(venv_install, monkeypatch):
    monkeypatch.setattr(venv_install, "satisfied", lambda requirement: False)
    monkeypatch.setattr(venv_install, "installed", lambda requirement: False)

    venv_install.main([])

    assert [command[-2:] for command in venv_install.installs] == [["-e", "."]]
    assert venv_install.stamp().exists()


def test_nothing_is_installed_again_while_the_requirements_are_the_same(venv_install):
    venv_install.main([])  # this test's own virtualenv has everything: taken as it is
    venv_install.main([])
    venv_install.main(["test"])

    assert venv_install.installs == []
    assert venv_install.stamp().exists() and venv_install.stamp("test").exists()


def test_changed_requirements_install_again(venv_install):
    venv_install.stamp("test").write_text("the hash of older requirements\n")

    venv_install.main(["test"])

    assert [command[-2:] for command in venv_install.installs] == [["-e", ".[test]"]]
    assert venv_install.stamp("test").read_text() != "the hash of older requirements\n"


def test_a_distribution_gone_since_the_stamp_is_installed_again(venv_install, monkeypatch):
    venv_install.main([])
    monkeypatch.setattr(venv_install, "installed", lambda requirement: "nh3" not in requirement)

    venv_install.main([])

    assert len(venv_install.installs) == 1


def test_an_unmet_version_is_not_taken_as_installed(venv_install):
    assert venv_install.satisfied("django>=5.2,<5.3")
    assert not venv_install.satisfied("django>=99")
    assert not venv_install.satisfied("no-such-distribution-here>=1")


def test_the_make_targets_use_it():
    makefile = (SCRIPT.parent.parent / "Makefile").read_text()
    result = subprocess.run(
        ["make", "-n", "benchmark-site", "benchmark-scale", "serve", "test"],
        cwd=SCRIPT.parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "pip install" not in result.stdout.replace("pip install --quiet --upgrade pip", "")
    assert "scripts/venv_install.py" in result.stdout
    assert "pip install --quiet -e" not in makefile
