"""Every relative link in the repository's Markdown files resolves inside the repository.

A reader of the repository (on a forge, or in a clone) follows README and docs/ links; a link
to a file outside the repository, to a file that moved, or to a heading that is gone is a dead
end. Links to web addresses are not checked (no network in tests).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Folders that are not the repository's documents (virtual envs, builds, caches, outputs).
SKIP_DIRS = {"build", "dist", "node_modules", "out", "artifacts", "__pycache__"}

INLINE_LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.MULTILINE)
FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def markdown_files(root: Path) -> list[Path]:
    files = []
    for path in sorted(root.rglob("*.md")):
        parts = path.relative_to(root).parts[:-1]
        if any(p.startswith(".") or p in SKIP_DIRS or p.endswith(".egg-info") for p in parts):
            continue
        files.append(path)
    return files


def links(text: str) -> list[str]:
    """The link targets of a Markdown text, outside code blocks and code spans."""
    text = INLINE_CODE.sub("", FENCE.sub("", text))
    return INLINE_LINK.findall(text) + REFERENCE_DEF.findall(text)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`|\*\*|__|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    kept = "".join(
        ch for ch in text if ch in "-_ " or unicodedata.category(ch)[0] in ("L", "N", "M")
    )
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    result = set()
    for heading in HEADING.findall(text):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    return result


def broken_links(root: Path, path: Path) -> list[str]:
    """Each relative link of ``path`` that leaves the repository or names nothing there."""
    problems = []
    for target in links(path.read_text(encoding="utf-8")):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("//"):
            continue  # http:, https:, mailto: ...: not a file of the repository
        file_part, _, fragment = unquote(target).partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        where = f"{path.relative_to(root)}: ({target})"
        if not resolved.is_relative_to(root):
            problems.append(f"{where} leaves the repository")
        elif not resolved.exists():
            problems.append(f"{where} names no file")
        elif fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
            problems.append(f"{where} names no heading of {resolved.name}")
    return problems


def test_every_relative_link_resolves_inside_the_repository() -> None:
    files = markdown_files(ROOT)
    assert ROOT / "README.md" in files and ROOT / "docs" / "DESIGN.md" in files
    problems = [problem for path in files for problem in broken_links(ROOT, path)]
    assert not problems, "\n".join(problems)


def test_readme_is_short_and_links_the_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 170
    targets = set(links(readme))
    for page in sorted((ROOT / "docs").glob("*.md")):
        if page.name != "README.md":
            assert f"docs/{page.name}" in targets, f"README does not link docs/{page.name}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[a](missing.md)", ["names no file"]),
        ("[a](../../outside.md)", ["leaves the repository"]),
        ("[a](doc.md#nowhere)", ["names no heading"]),
        ("[a](doc.md#the-title) [b](#the-title) [c](https://example.org/x.md)", []),
        ("```\n[a](missing.md)\n```\nand `[b](missing.md)`", []),
        ("[ref]: missing.md", ["names no file"]),
        ("![img](pic.png)", ["names no file"]),
    ],
)
def test_the_checker_finds_what_is_broken(tmp_path: Path, text: str, expected: list[str]) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "doc.md").write_text("# The title\n\n" + text + "\n", encoding="utf-8")
    problems = broken_links(root, root / "docs" / "doc.md")
    assert len(problems) == len(expected), problems
    for problem, words in zip(problems, expected, strict=True):
        assert words in problem


def test_slugs_follow_github() -> None:
    assert slug("Where this departs from or adds to DESIGN.md") == (
        "where-this-departs-from-or-adds-to-designmd"
    )
    assert slug("How it is tested (`tests/reliability/`)") == "how-it-is-tested-testsreliability"
    assert slug("信义小区: the demo community") == "信义小区-the-demo-community"
