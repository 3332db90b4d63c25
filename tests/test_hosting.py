"""Custom domains, loopback previews and the Pages URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY

from generator.build import build_site
from generator.cli import main
from generator.errors import BuildFailed
from generator.hosting import (
    check_cname,
    check_pages_url,
    cname_file,
    is_loopback_url,
    normalise_pages_url,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8000/", True),
        ("http://127.8.9.10/repo/", True),
        ("http://localhost/", True),
        ("http://LOCALHOST:9/", True),
        ("http://app.localhost/", True),
        ("http://[::1]:8000/", True),
        ("https://example.github.io/repo/", False),
        ("https://localhost.example.org/", False),
        ("http://10.0.0.1/", False),
        ("https://128.0.0.1/", False),
    ],
)
def test_is_loopback_url_cases(url: str, expected: bool):
    assert is_loopback_url(url) is expected


def test_cname_matching_root_is_clean():
    assert check_cname("https://badges.example.org/", "Badges.example.org", 5) == []


def test_cname_other_host_is_problem():
    [problem] = check_cname("https://user.github.io/repo/", "badges.example.org", 5)
    assert problem.path == "content/site.yml"
    assert problem.field == "cname"
    assert problem.line == 5
    assert "'user.github.io'" in problem.message
    assert "https://badges.example.org/" in problem.fix


def test_cname_with_base_path_is_problem():
    [problem] = check_cname("https://badges.example.org/repo/", "badges.example.org")
    assert "'/repo/'" in problem.message


def test_cname_skipped_for_preview():
    assert check_cname("http://127.0.0.1:8000/", "badges.example.org") == []
    assert cname_file("http://127.0.0.1:8000/", "badges.example.org") is None


def test_cname_file_bytes():
    assert cname_file("https://badges.example.org/", "Badges.Example.org") == (
        b"badges.example.org\n"
    )
    assert cname_file("https://user.github.io/repo/", None) is None


@pytest.mark.parametrize(
    ("pages_url", "expected"),
    [
        ("https://octocat.github.io/my-repo", "https://octocat.github.io/my-repo/"),
        ("https://OctoCat.github.io", "https://octocat.github.io/"),
        ("https://www.example.com/", "https://www.example.com/"),
    ],
)
def test_normalise_pages_url_cases(pages_url: str, expected: str):
    assert normalise_pages_url(pages_url) == expected


def test_pages_url_path_case_matters():
    assert (
        check_pages_url(
            "https://octocat.github.io/repo/", "https://Octocat.github.io/repo"
        )
        == []
    )
    [problem] = check_pages_url(
        "https://octocat.github.io/repo/", "https://octocat.github.io/Repo"
    )
    assert "'https://octocat.github.io/Repo/'" in problem.message


def _set_cname(site_tree: Path, cname: str) -> None:
    site = site_tree / "content" / "site.yml"
    site.write_text(
        site.read_text(encoding="utf-8") + f"cname: {cname}\n", encoding="utf-8"
    )


def test_build_writes_cname(site_tree: Path):
    _set_cname(site_tree, "badges.example.org")
    output = site_tree / "output"
    build_site(
        site_tree,
        output,
        base_url="https://badges.example.org/",
        today=TODAY,
        environ={},
    )
    assert (output / "CNAME").read_bytes() == b"badges.example.org\n"


def test_build_without_cname_writes_none(build_output):
    output, _ = build_output
    assert not (output / "CNAME").exists()


def test_preview_build_writes_no_cname(site_tree: Path):
    _set_cname(site_tree, "badges.example.org")
    output = site_tree / "output"
    build_site(
        site_tree, output, base_url="http://127.0.0.1:8000/", today=TODAY, environ={}
    )
    assert not (output / "CNAME").exists()


def test_build_rejects_cname_mismatch(site_tree: Path):
    _set_cname(site_tree, "badges.example.org")
    with pytest.raises(BuildFailed) as caught:
        build_site(site_tree, site_tree / "output", today=TODAY, environ={})
    [problem] = caught.value.problems
    assert problem.field == "cname"
    assert problem.line == 5
    assert not (site_tree / "output").exists()


def test_check_reports_cname_mismatch(
    site_tree: Path, cli_runner: CliRunner, monkeypatch: pytest.MonkeyPatch
):
    _set_cname(site_tree, "badges.example.org")
    monkeypatch.chdir(site_tree)
    result = cli_runner.invoke(main, ["check", "--today", TODAY])
    assert result.exit_code == 1
    assert result.output.startswith(
        "content/site.yml:5: field 'cname' is 'badges.example.org', but base_url "
        "'https://demo.example.org/badges/' names the host 'demo.example.org'."
    )
