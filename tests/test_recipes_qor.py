import pytest

from edaflow.errors import InputError
from synth.qor import AigStats, LutStats, MappedStats, QoR, reward
from synth.recipes import ACTIONS, STANDARD_SCRIPTS, Recipe


def test_action_set_is_abc_rl_order():
    assert ACTIONS == ("refactor", "refactor -z", "rewrite", "rewrite -z", "resub -K 8", "resub -z", "balance")


def test_standard_scripts_pinned():
    # abc.rc: resyn2 = "b; rw; rf; b; rw; rwz; b; rfz; rwz; b"
    assert STANDARD_SCRIPTS["resyn2"] == (
        "balance", "rewrite", "refactor", "balance", "rewrite", "rewrite -z", "balance", "refactor -z",
        "rewrite -z", "balance")
    assert STANDARD_SCRIPTS["resyn"] == ("balance", "rewrite", "rewrite -z", "balance", "rewrite -z", "balance")
    assert "; ".join(STANDARD_SCRIPTS["resyn2rs"]) == (
        "balance; resub -K 6; rewrite; resub -K 6 -N 2; refactor; resub -K 8; balance; resub -K 8 -N 2; rewrite; "
        "resub -K 10; rewrite -z; resub -K 10 -N 2; balance; resub -K 12; refactor -z; resub -K 12 -N 2; "
        "rewrite -z; balance")
    assert "; ".join(STANDARD_SCRIPTS["compress2rs"]) == (
        "balance -l; resub -K 6 -l; rewrite -l; resub -K 6 -N 2 -l; refactor -l; resub -K 8 -l; balance -l; "
        "resub -K 8 -N 2 -l; rewrite -l; resub -K 10 -l; rewrite -z -l; resub -K 10 -N 2 -l; balance -l; "
        "resub -K 12 -l; refactor -z -l; resub -K 12 -N 2 -l; rewrite -z -l; balance -l")


def test_standard_scripts_run_in_real_abc(abc_path, small_aig):
    from synth.abc_session import AbcSession

    with AbcSession(abc_path) as s:
        for name, steps in STANDARD_SCRIPTS.items():
            s.run(f"read {small_aig}")
            for step in steps:
                s.run(step)  # raises on any ABC error
            assert AigStats.parse(s.run("print_stats")).ands > 0


def test_recipe_parse_aliases_and_errors():
    r = Recipe.parse("b; rw; rfz ; resub")
    assert r.steps == ("balance", "rewrite", "refactor -z", "resub -K 8")
    assert r.indices() == (6, 2, 1, 4)
    assert Recipe.from_indices([0, 6]).steps == ("refactor", "balance")
    with pytest.raises(InputError, match="unknown action 'frobnicate'.*valid actions"):
        Recipe.parse("b; frobnicate", ACTIONS)
    assert str(Recipe.standard("resyn2")).startswith("balance; rewrite; refactor")


def test_parse_stats_with_colour_codes():
    line = "\x1b[1;37mt                  :\x1b[0m i/o =   16/    9  lat =    2  and =     52  lev = 16"
    s = AigStats.parse("noise\n" + line + "\n")
    assert (s.inputs, s.outputs, s.latches, s.ands, s.levels) == (16, 9, 2, 52, 16)
    m = MappedStats.parse_print_stats(
        "\x1b[1;37mt :\x1b[0m i/o =   16/    9  lat =    0  nd =    46  edge =     93  area =44.42  delay =366.00  lev = 10")
    assert (m.area, m.delay, m.gates) == (44.42, 366.0, 46)
    st = MappedStats.parse_stime('WireLoad = "none"  Gates =     64 ( 12.5 %)   Cap =  1.0 ff   Area =    93.50 ( 85.9 %)   Delay =   176.23 ps  (  7.8 %)')
    assert (st.area, st.delay, st.gates) == (93.5, 176.23, 64)
    lut = LutStats.parse("x : i/o = 16/ 9  lat = 0  nd = 13  edge = 58  aig = 108  lev = 3")
    assert (lut.luts, lut.levels) == (13, 3)


def test_reward_formula():
    assert reward(80.0, 100.0) == pytest.approx(0.2)
    assert reward(300.0, 100.0) == -1.0  # floored
    q = QoR(ands=10, levels=3, area=2.0, delay=5.0, gates=4)
    assert q.adp == 10.0 and q.objective("area") == 2.0 and q.objective("and") == 10.0
    assert QoR.from_dict(q.to_dict()) == q
