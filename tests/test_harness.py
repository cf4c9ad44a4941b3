"""The command line of ``make test``: pytest options and files reach pytest as the README says."""
import os
import subprocess
import sys

import pytest

import harness

HERE = os.path.dirname(os.path.abspath(__file__))


def test_options_first_go_to_pytest():
    # The README's example: `make test PYTEST_ARGS="-k routing -x"`.
    assert harness.parse_command_line(["test", "-k", "routing", "-x"]) == ("test", ["-k", "routing", "-x"])


def test_files_and_options_go_to_pytest_unchanged():
    argv = ["test", "tests/test_return_performance.py", "-x", "-k", "approve and not list"]
    assert harness.parse_command_line(argv) == (
        "test", ["tests/test_return_performance.py", "-x", "-k", "approve and not list"])
    assert harness.parse_command_line(["test", "--", "-x"]) == ("test", ["-x"])
    assert harness.parse_command_line(["test"]) == ("test", [])


def test_demo_command_keeps_its_option():
    assert harness.parse_command_line(["demo"]) == ("demo", {"reset": False})
    assert harness.parse_command_line(["demo", "--reset"]) == ("demo", {"reset": True})
    assert harness.parse_command_line(["demo", "--port", "8070"]) == ("demo", {"reset": False, "port": "8070"})


def test_pytest_command_names_no_folder_and_shows_skips():
    command = harness.pytest_command("/tmp/odoo.conf", ["tests/test_harness.py", "-x"])
    # The test folder comes from pytest.ini's testpaths, only when no file is named.
    assert not any(arg.rstrip("/").endswith("tests") for arg in command)
    assert command[-2:] == ["tests/test_harness.py", "-x"]
    assert "-rs" in command and "--odoo-http" in command


def _collect(*args):
    """Test ids pytest collects from the checkout for ``args``, without a database."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         f"--rootdir={harness.ROOT}", *args],
        cwd=harness.ROOT, capture_output=True, text=True, check=False)
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_a_file_argument_runs_that_file_only():
    collected = _collect("tests/test_harness.py")
    assert collected and all(test_id.startswith("tests/test_harness.py::") for test_id in collected)
    selected = _collect("tests/test_harness.py", "-k", "demo_command")
    assert selected == ["tests/test_harness.py::test_demo_command_keeps_its_option"]


def test_a_cluster_that_cannot_start_ends_the_command_cleanly(monkeypatch, tmp_path):
    """initdb failing: the command ends with a status, the work never runs, the folder goes."""
    folder = tmp_path / "cluster"

    def make_folder(prefix):
        folder.mkdir()
        return str(folder)

    def fail_to_start(cluster):
        raise subprocess.CalledProcessError(1, ["initdb"])

    monkeypatch.setattr(harness.tempfile, "mkdtemp", make_folder)
    monkeypatch.setattr(harness.Cluster, "ensure_started", fail_to_start)
    ran = []
    with pytest.raises(SystemExit) as stopped:
        with harness.throwaway_cluster("ccr-test-", "test") as work:
            ran.append(work)
    assert stopped.value.code == 1
    assert not ran
    assert not folder.exists()
