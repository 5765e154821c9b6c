import pytest

from synth.abc_session import AbcCommandError, AbcCrashError, AbcSession, AbcTimeoutError
from synth.qor import AigStats


def test_persistent_session_runs_commands(abc_path, small_aig):
    with AbcSession(abc_path) as s:
        s.run(f"read {small_aig}")
        before = AigStats.parse(s.run("print_stats"))
        for _ in range(20):
            s.run("rewrite")
        after = AigStats.parse(s.run("print_stats"))
        assert after.ands <= before.ands
        assert s.generation == 1  # one process for all of it
        assert s.commands_run == 23


def test_errors_are_detected_although_abc_exits_zero(abc_path, tmp_path):
    with AbcSession(abc_path) as s:
        with pytest.raises(AbcCommandError, match="Cannot open"):
            s.run(f"read {tmp_path / 'missing.aig'}")
        with pytest.raises(AbcCommandError, match="unknown command"):
            s.run("resyn2")  # an abc.rc alias: not available without abc.rc
        with pytest.raises(AbcCommandError, match="Empty network"):
            s.run("print_stats")
        assert s.generation == 1  # errors do not restart the process


def test_hang_times_out_and_restarts(fake_abc):
    s = AbcSession(fake_abc("hang", after=1), timeout=1.0)
    s.run("read x.aig")
    with pytest.raises(AbcTimeoutError):
        s.run("rewrite")
    assert s.restarts == 1
    s.run("read x.aig")  # a fresh process answers again
    assert s.generation == 2
    s.close()


def test_crash_is_reported_and_restarted(fake_abc):
    s = AbcSession(fake_abc("crash", after=1), timeout=5)
    s.run("read x.aig")
    with pytest.raises(AbcCrashError):
        s.run("balance")
    s.run("read x.aig")
    assert s.generation == 2
    s.close()


def test_garbage_output_does_not_parse(fake_abc):
    from edaflow.errors import ToolError

    with AbcSession(fake_abc("garbage"), timeout=5) as s:
        out = s.run("print_stats")
        with pytest.raises(ToolError, match="no statistics"):
            AigStats.parse(out)
