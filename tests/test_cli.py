"""The badgesite command: help, exit codes and printed lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY

from generator.cli import main

ADA = "assertions/demo-badge/2026-ada.yml"


def test_help_lists_every_command(cli_runner):
    result = cli_runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in main.commands:
        assert name in result.output


@pytest.mark.parametrize("command", sorted(main.commands))
def test_help_documents_every_option(cli_runner, command):
    result = cli_runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    for parameter in main.commands[command].params:
        if isinstance(parameter, __import__("click").Option):
            assert parameter.help, f"{command} {parameter.name} has no help"
            assert parameter.opts[0] in result.output


def test_build_prints_summary(cli_runner, site_tree):
    result = cli_runner.invoke(
        main, ["build", "--project", str(site_tree), "--today", TODAY]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Built 1 badge, 2 awards (1 current, 1 expired)")
    assert (site_tree / "output" / "index.html").is_file()


def test_build_problems_exit_one(cli_runner, site_tree):
    path = site_tree / ADA
    path.write_text(path.read_text().replace("name: Ada Lovelace", "name: 12"))
    result = cli_runner.invoke(
        main, ["build", "--project", str(site_tree), "--today", TODAY]
    )
    assert result.exit_code == 1
    assert f"{ADA}:1: field 'name' must be text, got 12." in result.stderr
    assert "Error: build failed with 1 problem(s); output left unchanged" in (
        result.stderr
    )
    assert not (site_tree / "output").exists()


def test_build_bad_base_url_exits_two(cli_runner, site_tree):
    result = cli_runner.invoke(
        main, ["build", "--project", str(site_tree), "--base-url", "not-a-url"]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--base-url'" in result.stderr


def test_build_bad_today_exits_one(cli_runner, site_tree):
    result = cli_runner.invoke(
        main, ["build", "--project", str(site_tree), "--today", "yesterday"]
    )
    assert result.exit_code == 1
    assert "--today: is not a date: 'yesterday'." in result.stderr


def test_check_writes_nothing(cli_runner, site_tree):
    result = cli_runner.invoke(
        main, ["check", "--project", str(site_tree), "--today", TODAY]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK: 1 badge(s), 2 award(s)")
    assert not (site_tree / "output").exists()


def test_console_script_runs(site_tree, tmp_path):
    script = Path(sys.executable).parent / "badgesite"
    completed = subprocess.run(
        [
            str(script),
            "build",
            "--project",
            str(site_tree),
            "--output",
            str(tmp_path / "out"),
            "--today",
            TODAY,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Built 1 badge" in completed.stdout
