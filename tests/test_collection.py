"""Every test file contributes collected tests (pytest silently skips folders such as ``build``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_every_test_file_is_collected():
    files = sorted(p.relative_to(TESTS.parent).as_posix() for p in TESTS.rglob("test_*.py"))
    assert len(files) > 10, files
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                          "-p", "no:xdist", str(TESTS)],
                         capture_output=True, text=True, cwd=TESTS.parent, timeout=300)
    collected = {line.split("::", 1)[0] for line in out.stdout.splitlines() if "::" in line}
    missing = [f for f in files if f not in collected]
    assert not missing, f"test files that collect no test (CI never runs them): {missing}\n{out.stdout[-2000:]}"
