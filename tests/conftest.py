"""Shared fixtures. Tests run the real Yosys and ABC; with EDAFLOW_REQUIRE_TOOLS=1 (set by .ci/run) a
missing tool fails the run instead of skipping tests."""

from __future__ import annotations

import os
import stat
import sys
import textwrap
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def abc_path() -> str:
    from abc_bin import find_abc

    found = find_abc()
    if found is None:
        if os.environ.get("EDAFLOW_REQUIRE_TOOLS"):
            pytest.fail("ABC not found but EDAFLOW_REQUIRE_TOOLS is set")
        pytest.skip("ABC not installed")
    return str(found)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    # Never touch the user's real result cache from tests.
    monkeypatch.setenv("EDAFLOW_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def fake_abc(tmp_path):
    """Make a fake ABC executable: ``fake_abc(behaviour)`` with 'hang', 'crash' or 'garbage'."""

    def make(behaviour: str, after: int = 0) -> str:
        script = tmp_path / f"fake-abc-{behaviour}"
        script.write_text(textwrap.dedent(f"""\
            #!{sys.executable}
            import sys, time
            n = 0
            for line in sys.stdin:
                n += 1
                cmd = line.strip()
                if cmd.startswith("__edaflow_done_"):
                    print(f"** cmd error: unknown command '{{cmd}}'", flush=True)
                    continue
                if n > {after} * 2:
                    if "{behaviour}" == "hang":
                        time.sleep(3600)
                    elif "{behaviour}" == "crash":
                        sys.exit(134)
                    elif "{behaviour}" == "garbage":
                        print("@@@ \\x1b[31mnonsense\\x1b[0m 123", flush=True)
                        continue
                print("abc 01> " + cmd, flush=True)
            """))
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        return str(script)

    return make


@pytest.fixture(scope="session")
def small_aig(tmp_path_factory, abc_path) -> Path:
    """An 8-bit adder+comparator as AIGER, made with the real Yosys and ABC."""
    from synth.abc_session import AbcSession
    from synth.frontend import load_design

    out = tmp_path_factory.mktemp("small")
    with AbcSession(abc_path) as s:
        d = load_design([DATA / "small_alu.v"], out, s)
    return d.aig_path
