"""scripts/gen-api-docs.py: the public headers pass its check, and the check
fails, naming the function and line, when a comment goes missing (run on a
copy of include/ with one comment removed)."""
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def check(root, *extra):
    return subprocess.run([sys.executable, str(root / "scripts" / "gen-api-docs.py"), "--check", *extra],
                          capture_output=True, text=True, timeout=60)


def copy_tree(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "gen-api-docs.py", tmp_path / "scripts")
    shutil.copytree(ROOT / "include", tmp_path / "include")
    return tmp_path


def test_headers_pass():
    p = check(ROOT)
    assert p.returncode == 0, p.stderr


def test_missing_comment_fails(tmp_path):
    root = copy_tree(tmp_path)
    h = root / "include" / "streamlearn" / "drift.h"
    text = h.read_text()
    doc = "/* The state after the latest update. @return SL_OK or SL_EINVAL. */\n"
    assert doc in text
    lines_before = text[: text.index(doc)].count("\n")
    h.write_text(text.replace(doc, ""))
    p = check(root)
    assert p.returncode == 1
    assert f"include/streamlearn/drift.h:{lines_before + 1}: sl_drift_state_of has no comment above it" in p.stderr


def test_heading_is_not_documentation(tmp_path):
    root = copy_tree(tmp_path)
    h = root / "include" / "streamlearn" / "drift.h"
    doc = "/* Parameters, statistics, save / load, free: see SL_HANDLE_API in common.h. */\n"
    h.write_text(h.read_text().replace(doc, "/* ---- shared calls ---- */\n"))
    p = check(root)
    assert p.returncode == 1 and "SL_HANDLE_API(drift) has no comment above it" in p.stderr


def test_fresh_compares_the_pages(tmp_path):
    root = copy_tree(tmp_path)
    script = [sys.executable, str(root / "scripts" / "gen-api-docs.py")]
    subprocess.run(script, check=True, capture_output=True)
    assert check(root, "--fresh").returncode == 0
    page = root / "docs" / "api" / "drift.md"
    page.write_text(page.read_text() + "edited\n")
    p = check(root, "--fresh")
    assert p.returncode == 1 and "docs/api/drift.md is out of date" in p.stderr
