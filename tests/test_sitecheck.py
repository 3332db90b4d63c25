"""check-output: a built tree checked as a static host will serve it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SVG_ARTWORK, TODAY

from generator.build import BuildResult, build_site
from generator.cli import main
from generator.errors import Problem
from generator.sitecheck import check_output, list_files

BASE = "https://demo.example.org/badges/"
PREVIEW = "http://127.0.0.1:8123/repo/"


def _messages(problems: list[Problem]) -> list[str]:
    return [problem.format() for problem in problems]


def _find(problems: list[Problem], path_end: str, text: str) -> Problem:
    for problem in problems:
        if problem.path.endswith(path_end) and text in problem.format():
            return problem
    raise AssertionError(
        f"no problem in {path_end} containing {text!r}: {_messages(problems)}"
    )


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def preview_output(site_tree: Path) -> Path:
    """Build the minimal site for a loopback project-site base URL."""
    output = site_tree / "preview"
    build_site(site_tree, output, base_url=PREVIEW, today=TODAY, environ={})
    return output


def test_clean_build_has_no_problems(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    report = check_output(output)
    assert report.problems == []
    assert report.base_url == BASE
    assert report.files == len(list_files(output))
    assert report.links > 50


def test_clean_preview_build_has_no_problems(preview_output: Path):
    report = check_output(preview_output)
    assert report.problems == []
    assert report.base_url == PREVIEW


def test_missing_badge_json_is_reported_once(
    build_output: tuple[Path, BuildResult],
):
    output, _ = build_output
    (output / "badges" / "demo-badge.json").unlink()
    problems = check_output(output).problems
    url = BASE + "badges/demo-badge.json"
    assert [p.path for p in problems] == [f"{output.as_posix()}/badges/demo-badge.json"]
    [problem] = problems
    assert problem.message.startswith(
        f"does not exist, so the host answers 404 for {url}"
    )
    assert "which 6 files link to: " in problem.message
    assert f"{output.as_posix()}/assertions/2024-old.json:11 (badge)" in problem.message
    assert problem.message.endswith(" and 3 more.")
    assert problem.line is None


def test_missing_target_one_source_names_line(
    build_output: tuple[Path, BuildResult],
):
    output, _ = build_output
    (output / "revocations.json").unlink()
    problems = check_output(output).problems
    assert len(problems) == 1
    problem = _find(problems, "/issuer.json", "revocations.json")
    assert problem.field == "revocationList"
    assert problem.line is not None
    assert "does not exist, so the host answers 404." in problem.message


def test_missing_badge_png_is_one_annotation(
    build_output: tuple[Path, BuildResult], cli_runner: CliRunner
):
    output, _ = build_output
    (output / "badges" / "demo-badge.png").unlink()
    result = cli_runner.invoke(
        main, ["check-output", "--output", str(output), "--format", "github"]
    )
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("::")]
    assert len(errors) == 1
    assert errors[0].startswith(
        f"::error file={output.as_posix()}/badges/demo-badge.png::"
    )
    assert "files link to" in errors[0]


def test_folder_links_grouped_by_target(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    for name in ("index.html", "404.html"):
        _edit(
            output / name,
            "</main>",
            '<a href="https://demo.example.org/badges/issuer">x</a></main>',
        )
    problems = check_output(output).problems
    [problem] = [p for p in problems if "redirect" in p.message]
    assert problem.path == f"{output.as_posix()}/issuer"
    assert "2 files link to it without the '/'" in problem.message
    assert f"{output.as_posix()}/404.html:" in problem.message
    assert problem.fix == "Link to the URL with a trailing '/'."


def test_wrong_id_is_reported(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    _edit(
        output / "issuer.json",
        '"id": "https://demo.example.org/badges/issuer.json"',
        '"id": "https://demo.example.org/badges/profile.json"',
    )
    problem = _find(check_output(output).problems, "/issuer.json", "profile.json")
    assert problem.field == "id"
    assert "served at 'https://demo.example.org/badges/issuer.json'" in problem.message
    assert problem.line == 4


def test_underscore_path_is_reported(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    (output / "_private").mkdir()
    (output / "_private" / "notes.html").write_text("<p>draft</p>", encoding="utf-8")
    problem = _find(check_output(output).problems, "_private/notes.html", "'_'")
    assert "Jekyll" in problem.message


@pytest.mark.parametrize("name", [".env", "static/.DS_Store", ".git/config"])
def test_hidden_path_is_reported(build_output: tuple[Path, BuildResult], name: str):
    output, _ = build_output
    (output / name).parent.mkdir(parents=True, exist_ok=True)
    (output / name).write_bytes(b"x")
    problem = _find(check_output(output).problems, name, "hidden path")
    assert "include-hidden-files" in problem.message
    assert "would be published too" in problem.message
    assert "leaves out" not in problem.message


def test_well_known_and_nojekyll_are_allowed(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    (output / ".well-known").mkdir()
    (output / ".well-known" / "security.txt").write_text(
        "Contact: x\n", encoding="utf-8"
    )
    assert check_output(output).problems == []


def test_missing_nojekyll_is_reported(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    (output / ".nojekyll").unlink()
    _find(check_output(output).problems, ".nojekyll", "is missing")


def test_localhost_link_in_published_build(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    _edit(
        output / "index.html",
        "</main>",
        '<a href="http://localhost:8000/x">x</a></main>',
    )
    problem = _find(
        check_output(output).problems, "/index.html", "http://localhost:8000"
    )
    assert problem.line is not None
    assert "build machine" in problem.message


def test_loopback_ip_in_json_and_png(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    _edit(
        output / "issuer.json",
        '"url": "https://demo.example.org/"',
        '"url": "http://127.0.0.1:9000/"',
    )
    png = output / "assertions" / "2026-ada.png"
    png.write_bytes(png.read_bytes() + b"http://127.0.0.1:9000/x")
    problems = check_output(output).problems
    assert _find(problems, "/issuer.json", "http://127.0.0.1:9000").line is not None
    assert _find(problems, "2026-ada.png", "http://127.0.0.1:9000").line is None


def test_localhost_allowed_in_preview(preview_output: Path):
    _edit(
        preview_output / "index.html",
        "</main>",
        '<a href="http://localhost:9/x">x</a></main>',
    )
    assert check_output(preview_output).problems == []


def test_all_breaks_reported_at_once(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    (output / "badges" / "demo-badge.json").unlink()
    _edit(output / "issuer.json", "badges/issuer.json", "badges/wrong.json")
    (output / "_private.json").write_text("{}", encoding="utf-8")
    _edit(output / "index.html", "</main>", '<img src="http://localhost/x.png"></main>')
    problems = check_output(output).problems
    _find(problems, "badges/demo-badge.json", "files link to")
    _find(problems, "/issuer.json", "wrong.json")
    _find(problems, "_private.json", "'_'")
    _find(problems, "/index.html", "http://localhost/")
    assert all(problem.path.startswith(output.as_posix()) for problem in problems)


def test_invalid_json_is_reported(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    (output / "endorsers" / "demo-endorser.json").write_text(
        '{"id": }', encoding="utf-8"
    )
    problem = _find(
        check_output(output).problems, "demo-endorser.json", "not valid JSON"
    )
    assert problem.line == 1


def test_truncated_json_error_has_position(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    path = output / "issuer.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index('"name": "') + 12] + "\n", encoding="utf-8")
    problem = _find(check_output(output).problems, "/issuer.json", "not valid JSON")
    assert "Invalid control character at: line " in problem.message
    assert " column " in problem.message
    assert problem.line is not None


def test_json_without_json_extension(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    (output / "assertions" / "extra.jsonld").write_text('{"a": 1}', encoding="utf-8")
    _find(check_output(output).problems, "extra.jsonld", "does not end in .json")


def test_link_with_wrong_extension(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    _edit(
        output / "assertions" / "2026-ada.json",
        "badges/demo-badge.json",
        "badges/demo-badge.png",
    )
    problem = _find(
        check_output(output).problems, "2026-ada.json", "must be a JSON file"
    )
    assert problem.field == "badge"


def test_image_field_must_be_png_or_svg(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    _edit(
        output / "badges" / "demo-badge.json",
        '"image": "https://demo.example.org/badges/badges/demo-badge.png"',
        '"image": "https://demo.example.org/badges/static/site.css"',
    )
    problem = _find(check_output(output).problems, "demo-badge.json", "PNG or SVG")
    assert problem.field == "image"


def test_folder_link_without_slash(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    _edit(
        output / "index.html",
        'href="https://demo.example.org/badges/issuer/"',
        'href="https://demo.example.org/badges/issuer"',
    )
    problem = _find(check_output(output).problems, "/index.html", "a folder")
    assert problem.field == "a href"


def test_root_relative_link_outside_base(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    _edit(output / "index.html", "</main>", '<a href="/static/site.css">x</a></main>')
    _find(check_output(output).problems, "/index.html", "root-relative")


def test_og_image_meta_is_checked(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    _edit(
        output / "index.html",
        "</head>",
        '<meta property="og:image" '
        'content="https://demo.example.org/badges/badges/missing.png"></head>',
    )
    problem = _find(check_output(output).problems, "/index.html", "missing.png")
    assert problem.field == "meta og:image"


def test_criteria_id_must_be_page(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    _edit(
        output / "badges" / "demo-badge.json", "demo-badge/criteria/", "demo-badge.json"
    )
    problem = _find(check_output(output).problems, "demo-badge.json", "HTML page")
    assert problem.field == "criteria.id"


def test_revocation_list_link_is_checked(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    issuer = json.loads((output / "issuer.json").read_text(encoding="utf-8"))
    assert issuer["revocationList"] == BASE + "revocations.json"
    (output / "revocations.json").unlink()
    problem = _find(check_output(output).problems, "/issuer.json", "revocations.json")
    assert problem.field == "revocationList"
    (output / "revocations.json").write_text(
        json.dumps(
            {
                "@context": "https://w3id.org/openbadges/v2",
                "type": "RevocationList",
                "id": BASE + "revocations.json",
                "revokedAssertions": [
                    {"id": BASE + "assertions/gone.json", "revocationReason": "x"}
                ],
            }
        ),
        encoding="utf-8",
    )
    problem = _find(check_output(output).problems, "revocations.json", "gone.json")
    assert problem.field == "revokedAssertions[0].id"


def test_removed_award_is_reported(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    for suffix in ("json", "png"):
        (output / "assertions" / f"2026-ada.{suffix}").unlink()
    shutil.rmtree(output / "assertions" / "2026-ada")
    manifest = json.loads((output / "badgesite.json").read_text(encoding="utf-8"))
    index = manifest["award_ids"].index("2026-ada")
    problems = check_output(output).problems
    about = [p for p in problems if "2026-ada" in p.format()]
    assert len(about) == 1, _messages(problems)
    [problem] = about
    assert problem.path == f"{output.as_posix()}/badgesite.json"
    assert problem.field == f"award_ids[{index}]"
    assert (
        "assertions/2026-ada.json and assertions/2026-ada/index.html are missing"
        in problem.message
    )


def test_award_without_page_is_reported(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    shutil.rmtree(output / "assertions" / "2026-ada")
    problem = _find(check_output(output).problems, "badgesite.json", "2026-ada")
    assert "but assertions/2026-ada/index.html is missing" in problem.message


def test_award_ids_must_be_a_list(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    _edit(output / "badgesite.json", '"award_ids": [', '"award_list": [')
    problem = _find(check_output(output).problems, "badgesite.json", "not a list")
    assert problem.field == "award_ids"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("assertions/2026-ada.png", "is a truncated PNG"),
        ("badges/demo-badge.png", "is a truncated PNG"),
        ("assertions/2026-ada.svg", "is not well-formed SVG"),
        ("badges/demo-badge.svg", "is not well-formed SVG"),
    ],
)
def test_truncated_image_is_reported(site_tree: Path, name: str, expected: str):
    badge = site_tree / "content" / "badges" / "demo-badge" / "badge.yml"
    _edit(badge, "demo-badge.png", "demo-badge.svg")
    shutil.copy(SVG_ARTWORK, site_tree / "site_src" / "artwork" / "demo-badge.svg")
    output = site_tree / "output"
    build_site(site_tree, output, today=TODAY, environ={})
    assert check_output(output).problems == []
    path = output / name
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    problem = _find(check_output(output).problems, name, expected)
    assert problem.path == f"{output.as_posix()}/{name}"


def test_png_with_bad_crc_is_reported(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    path = output / "assertions" / "2026-ada.png"
    data = bytearray(path.read_bytes())
    data[40] ^= 0xFF
    path.write_bytes(bytes(data))
    _find(check_output(output).problems, "2026-ada.png", "damaged PNG chunk")


def test_missing_404_page_is_reported(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    (output / "404.html").unlink()
    problems = check_output(output).problems
    assert _messages(problems) == [
        f"{output.as_posix()}/404.html: is missing, so the host answers a "
        "mistyped or retired URL with its own error page instead of the site's. "
        "Rebuild with `badgesite build` and do not edit the output folder by hand."
    ]


def test_cname_must_match_base_url(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    (output / "CNAME").write_text("badges.example.net\n", encoding="utf-8")
    _find(check_output(output).problems, "/CNAME", "badges.example.net")


def test_pages_url_mismatch(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    assert (
        check_output(output, pages_url="https://DEMO.example.org/badges").problems == []
    )
    problem = _find(
        check_output(output, pages_url="https://demo.example.org/Badges").problems,
        "content/site.yml",
        "https://demo.example.org/Badges/",
    )
    assert problem.field == "base_url"


def test_missing_manifest_needs_base_url(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    (output / "badgesite.json").unlink()
    report = check_output(output)
    _find(report.problems, "badgesite.json", "--base-url")
    assert check_output(output, base_url=BASE).problems == []


def test_base_url_option_overrides_manifest(build_output: tuple[Path, BuildResult]):
    output, _ = build_output
    problems = check_output(output, base_url="https://demo.example.org/other/").problems
    problem = _find(
        problems, "/issuer.json", "https://demo.example.org/other/issuer.json"
    )
    assert problem.field == "id"


def test_cli_check_output_clean(
    build_output: tuple[Path, BuildResult], cli_runner: CliRunner
):
    output, _ = build_output
    result = cli_runner.invoke(main, ["check-output", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 20 files, ")
    assert BASE in result.output


def test_cli_check_output_problems_exit_1(
    build_output: tuple[Path, BuildResult], cli_runner: CliRunner
):
    output, _ = build_output
    (output / "badges" / "demo-badge.json").unlink()
    (output / "_x.txt").write_text("x", encoding="utf-8")
    result = cli_runner.invoke(main, ["check-output", "--output", str(output)])
    assert result.exit_code == 1
    assert f"{output.as_posix()}/_x.txt: starts with '_'" in result.output
    assert "Error: check-output found" in result.output


def test_cli_check_output_github_format(
    build_output: tuple[Path, BuildResult], cli_runner: CliRunner
):
    output, _ = build_output
    (output / "badges" / "demo-badge.json").unlink()
    result = cli_runner.invoke(
        main, ["check-output", "--output", str(output), "--format", "github"]
    )
    assert result.exit_code == 1
    expected = f"::error file={output.as_posix()}/badges/demo-badge.json::"
    assert expected in result.output
    assert "for https%3A" not in result.output
    assert "for https://demo.example.org/badges/badges/demo-badge.json" in result.output


def test_cli_check_output_caps_annotations(
    build_output: tuple[Path, BuildResult], cli_runner: CliRunner
):
    output, _ = build_output
    for number in range(12):
        (output / f"_draft{number:02}.txt").write_text("x", encoding="utf-8")
    result = cli_runner.invoke(
        main, ["check-output", "--output", str(output), "--format", "github"]
    )
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line.startswith("::error ") for line in lines[:11]] == [True] * 10 + [False]
    assert lines[10] == "10 problem(s) shown as annotations, 2 more in the log:"
    assert lines[11].startswith(f"{output.as_posix()}/_draft10.txt: starts with '_'")
    assert lines[12].startswith(f"{output.as_posix()}/_draft11.txt: ")
    assert not any(line.startswith("::") for line in lines[11:])
    assert lines[-1].startswith("Error: check-output found 12 problem(s)")


@pytest.mark.parametrize("value", ["", "   ", "octocat.github.io/repo", "ftp://x/"])
def test_cli_check_output_rejects_bad_pages_url(
    build_output: tuple[Path, BuildResult], cli_runner: CliRunner, value: str
):
    output, _ = build_output
    result = cli_runner.invoke(
        main, ["check-output", "--output", str(output), "--pages-url", value]
    )
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--pages-url'" in result.output
    assert ":///" not in result.output


def test_cli_check_output_rejects_bad_base_url(
    build_output: tuple[Path, BuildResult], cli_runner: CliRunner
):
    output, _ = build_output
    result = cli_runner.invoke(
        main, ["check-output", "--output", str(output), "--base-url", "ftp://x/"]
    )
    assert result.exit_code == 2


def test_cli_check_output_missing_folder(tmp_path: Path, cli_runner: CliRunner):
    result = cli_runner.invoke(
        main, ["check-output", "--output", str(tmp_path / "none")]
    )
    assert result.exit_code == 1
    assert "is not a folder" in result.output
