"""The documentation holds together: every relative link in the README, docs/ and notebooks/
resolves to a file of the repository and every #anchor to a heading of it (GitHub's slug
rules); every `make` target and `outcomes` command the README names exists; the paths of the
README's quick start exist or are the settings' defaults; the README links every document."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from pipelines.cli import parser
from pipelines.settings import Settings
from tests.conftest import REPO

README = REPO / "README.md"
MARKDOWN = [
    README,
    REPO / "CHANGELOG.md",
    *sorted((REPO / "docs").glob("*.md")),
    *sorted((REPO / "notebooks").glob("*.md")),
]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.py"))
FENCE = re.compile(r"^\s*(```|~~~)")
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # http:, https:, mailto:, …


def prose(path: Path) -> str:
    """The text whose links render: a Markdown file without its fenced code blocks; for a
    percent-script notebook, its markdown cells (comment lines without the leading '# ')."""
    lines = path.read_text().splitlines()
    if path.suffix == ".py":
        out, in_markdown = [], False
        for line in lines:
            if line.startswith("# %%"):
                in_markdown = "[markdown]" in line
            elif in_markdown and line.startswith("#"):
                out.append(line[2:])
        lines = out
    kept, fenced = [], False
    for line in lines:
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            kept.append(line)
    return "\n".join(kept)


def links(path: Path) -> list[str]:
    return [m.group(1) for m in LINK.finditer(prose(path))]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: the rendered text lower-cased, every character that is
    not a letter, digit, underscore, hyphen or space dropped, spaces made hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = re.sub(r"<[^>]+>", "", text).replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor GitHub gives the headings of a Markdown file (repeats get -1, -2, …)."""
    seen: Counter[str] = Counter()
    out = set()
    for line in prose(path).splitlines():
        match = re.match(r"^#{1,6}\s+(.+?)\s*#*\s*$", line)
        if not match:
            continue
        base = slug(match.group(1))
        out.add(base if not seen[base] else f"{base}-{seen[base]}")
        seen[base] += 1
    return out


def broken_links(path: Path, root: Path = REPO) -> list[str]:
    """What is wrong with each relative link of `path` (nothing: an empty list)."""
    problems = []
    for target in links(path):
        if EXTERNAL.match(target):
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        if not resolved.exists():
            problems.append(f"{target}: no such file")
            continue
        if root not in resolved.parents and resolved != root:
            problems.append(f"{target}: outside the repository")
            continue
        if anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            problems.append(f"{target}: no heading #{anchor} in {resolved.name}")
    return problems


@pytest.mark.parametrize("path", MARKDOWN + NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_resolves(path: Path):
    assert broken_links(path) == []


def test_a_broken_link_is_caught(tmp_path: Path):
    (tmp_path / "there.md").write_text("# Present heading\n\n## Twice\n\n## Twice\n")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](there.md) [ok](there.md#present-heading) [ok](there.md#twice-1) [ok](#mine)\n"
        "[gone](missing.md) [bad anchor](there.md#absent) [web](https://example.org/x.md)\n"
        "```\n[in code](nowhere.md)\n```\n"
        "## Mine\n"
    )
    assert broken_links(page, root=tmp_path) == [
        "missing.md: no such file",
        "there.md#absent: no heading #absent in there.md",
    ]


def test_slugs_follow_github():
    assert slug("Publishing: nobody reads a half-built database") == (
        "publishing-nobody-reads-a-half-built-database"
    )
    assert slug("By group (`pipelines.patterns`)") == "by-group-pipelinespatterns"
    assert slug("### `retention_curve`".lstrip("# ")) == "retention_curve"
    assert slug("Kaplan–Meier & log-rank") == "kaplanmeier--log-rank"


# --- the README's commands ------------------------------------------------------------------


def make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z][\w-]*)\s*:(?!=)", text, flags=re.M))


def cli_commands() -> set[str]:
    sub = next(a for a in parser()._actions if a.dest == "command")
    return set(sub.choices)


def quick_start() -> str:
    text = README.read_text()
    match = re.search(r"^## Two commands\n(.*?)(?=^## )", text, flags=re.M | re.S)
    assert match, "the README has no '## Two commands' section"
    return match.group(1)


def test_quick_start_commands_exist():
    section = quick_start()
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    commands = [line.split("#")[0].strip() for b in blocks for line in b.splitlines()]
    commands = [c for c in commands if c]
    assert commands == ["make run", "make test"]
    targets = make_targets()
    assert all(c.split()[1] in targets for c in commands)
    # Every `outcomes …` it mentions is a command of the CLI.
    for name in re.findall(r"`outcomes ([a-z]+)", section):
        assert name in cli_commands(), name


def test_quick_start_paths_exist_or_are_the_defaults():
    section = quick_start()
    paths = set(re.findall(r"`([\w.-]+(?:/[\w.-]*)+)`", section))
    assert paths, "no path found in the quick start"
    defaults = Settings()
    outputs = {defaults.db_path.as_posix()}  # written by `make run`, not in a fresh clone
    assert "sample_data/sample/" in paths
    assert Path(defaults.source_dir).as_posix() == "sample_data/sample"
    for path in paths:
        if path in outputs:
            continue
        assert (REPO / path).exists(), f"{path} is named in the quick start but does not exist"
    assert outputs <= paths, "the quick start should say where the database is written"


def test_every_make_target_and_outcomes_command_in_the_readme_exists():
    text = README.read_text()
    # Commands are in code: an inline code span or a line of a code block.
    targets = set(re.findall(r"(?:`|^)make ([a-z][\w-]*)", text, flags=re.M))
    assert targets, "no make target found"
    assert targets <= make_targets(), targets - make_targets()
    commands = set(re.findall(r"(?:`|^)outcomes ([a-z][a-z0-9]*)\b", text, flags=re.M))
    assert {"build", "ingest", "quarantine", "report", "extract"} <= commands
    assert commands <= cli_commands(), commands - cli_commands()


def test_the_readme_links_every_document():
    linked = {
        (README.parent / target.partition("#")[0]).resolve()
        for target in links(README)
        if not EXTERNAL.match(target)
    }
    documents = set((REPO / "docs").glob("*.md")) | {REPO / "notebooks" / "README.md"}
    missing = sorted(str(p.relative_to(REPO)) for p in documents if p.resolve() not in linked)
    assert missing == []
