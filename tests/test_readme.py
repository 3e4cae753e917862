"""The README a newcomer reads first stays true of the repository."""

from __future__ import annotations

import re
import subprocess

from support.commands import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"


def _tracked() -> set[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {name for name in listed if (PROJECT_ROOT / name).exists()}


def _layout_paths() -> list[str]:
    """Paths named in the README's layout tree: two spaces of indent per folder level, each line
    `name` or `name, name` (a folder ends in /), then two or more spaces and what it holds."""
    text = README.read_text()
    block = re.search(r"## Layout\n\n```text\n(.*?)```", text, re.S)
    assert block, "README has no ```text layout block under ## Layout"
    paths, parents = [], []
    for line in block.group(1).splitlines():
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        names = re.split(r"\s{2,}", line.strip())[0]
        parents = parents[:depth]
        for name in (n.strip() for n in names.split(",")):
            paths.append("".join(parents) + name)
        if names.endswith("/"):
            parents.append(names)
    return paths


def test_readme_opens_with_the_two_commands_and_stays_short() -> None:
    text = README.read_text()
    assert len(text.splitlines()) < 250
    commands = re.findall(r"```bash\n(python3 -m pip install .*?)\n```", text)
    assert commands[:2] == [
        "python3 -m pip install --quiet uv && python3 -m uv sync --frozen && "
        "python3 -m uv run --frozen wwc build",
        "python3 -m pip install --quiet uv && python3 -m uv sync --frozen && "
        "python3 -m uv run --frozen pytest",
    ]
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci.splitlines()


def test_readme_layout_tree_matches_the_repository() -> None:
    tracked = _tracked()
    folders = {"/".join(p.split("/")[: i + 1]) + "/" for p in tracked for i in range(p.count("/"))}
    listed = _layout_paths()
    missing = [p for p in listed if p not in tracked and p not in folders]
    assert not missing, f"the README's layout names what the repository does not have: {missing}"
    # Every top-level entry and every folder two levels down is in the tree.
    expected = {p.split("/")[0] + ("/" if "/" in p else "") for p in tracked}
    expected |= {f for f in folders if f.count("/") == 2}
    expected -= {".gitignore"}
    unlisted = sorted(expected - set(listed))
    assert not unlisted, f"the README's layout leaves out: {unlisted}"


def test_docs_links_resolve() -> None:
    for page in [README, *sorted((PROJECT_ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text()):
            if target.startswith(("http://", "https://")):
                continue
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"
