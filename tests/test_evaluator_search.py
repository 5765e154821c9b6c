import pytest

from abc_bin import bundled_library
from synth.cache import ResultCache
from synth.evaluator import RecipeEvaluator
from synth.recipes import ACTIONS, Recipe
from synth.search import SearchContext, get_strategy, strategy_names


@pytest.fixture
def evaluator(abc_path, small_aig, tmp_path):
    ev = RecipeEvaluator(small_aig, bundled_library(), abc_path=abc_path, workdir=tmp_path / "prefixes")
    yield ev
    ev.close()


def test_prefix_cache_reuses_intermediate_aigs(evaluator):
    a = evaluator.evaluate(Recipe.parse("b; rw; rf"))
    assert a.ok and a.qor.area > 0 and a.qor.delay > 0 and a.qor.ands > 0
    assert evaluator.stats.steps_executed == 3
    evaluator.evaluate(Recipe.parse("b; rw; rf; rs"))
    assert evaluator.stats.steps_executed == 4  # only the new step ran
    assert evaluator.stats.prefix_hits == 1


def test_prefix_result_matches_from_scratch(abc_path, small_aig, tmp_path):
    lib = bundled_library()
    r = Recipe.parse("b; rw; rf; rs; rwz")
    e1 = RecipeEvaluator(small_aig, lib, abc_path=abc_path, workdir=tmp_path / "p1")
    e1.evaluate(r.prefix(2))
    e1.evaluate(r.prefix(4))
    via_prefix = e1.evaluate(r).qor
    e1.close()
    e2 = RecipeEvaluator(small_aig, lib, abc_path=abc_path, workdir=tmp_path / "p2")
    scratch = e2.evaluate(r).qor
    e2.close()
    assert via_prefix == scratch


def test_result_cache_answers_repeated_runs(abc_path, small_aig, tmp_path):
    cache = ResultCache(tmp_path / "c.sqlite")
    e1 = RecipeEvaluator(small_aig, bundled_library(), abc_path=abc_path, result_cache=cache)
    first = e1.evaluate(Recipe.standard("resyn2"))
    e1.close()
    e2 = RecipeEvaluator(small_aig, bundled_library(), abc_path=abc_path, result_cache=cache)
    again = e2.evaluate(Recipe.standard("resyn2"))
    assert again.from_cache and again.qor == first.qor
    assert e2.stats.steps_executed == 0
    e2.close()


def test_crash_mid_search_fails_only_that_evaluation(abc_path, small_aig, tmp_path, monkeypatch):
    ev = RecipeEvaluator(small_aig, bundled_library(), abc_path=abc_path, timeout=30)
    assert ev.evaluate(Recipe.parse("b")).ok
    real_run = ev.session.run

    def flaky(cmd, timeout=None, **kw):
        if cmd == "refactor -z":  # simulate ABC dying on this command
            ev.session._kill()
        return real_run(cmd, timeout, **kw)

    monkeypatch.setattr(ev.session, "run", flaky)
    bad = ev.evaluate(Recipe.parse("rw; rfz"))
    assert not bad.ok and bad.error
    good = ev.evaluate(Recipe.parse("rw; b"))  # the session restarted and the library was reloaded
    assert good.ok
    assert ev.stats.failed == 1
    ev.close()


def _run(strategy, evaluator, budget=14, seed=3, length=4):
    base = evaluator.evaluate(Recipe.standard("resyn2"))
    ctx = SearchContext(evaluator=evaluator, baseline=base, objective="adp", budget=budget,
                        recipe_length=length, seed=seed)
    best = get_strategy(strategy).search(ctx)
    return ctx, best


@pytest.mark.parametrize("name", ["random", "greedy", "sa", "mcts"])
def test_strategies_respect_budget_and_are_deterministic(name, abc_path, small_aig, tmp_path):
    results = []
    for i in range(2):
        ev = RecipeEvaluator(small_aig, bundled_library(), abc_path=abc_path, workdir=tmp_path / f"{name}{i}")
        ctx, best = _run(name, ev)
        assert ctx.used <= 14
        assert all(len(e.recipe) <= 4 for e in ctx.history)
        assert all(set(e.recipe.steps) <= set(ACTIONS) for e in ctx.history)
        # the best is never worse than resyn2
        assert best.qor.adp <= ctx.baseline.qor.adp
        results.append(([str(e.recipe) for e in ctx.history], str(best.recipe)))
        ev.close()
    assert results[0] == results[1]


@pytest.mark.parametrize("name", ["random", "greedy", "sa", "mcts"])
def test_no_strategy_replays_a_cached_prefix(name, abc_path, small_aig, tmp_path):
    ev = RecipeEvaluator(small_aig, bundled_library(), abc_path=abc_path, workdir=tmp_path / "p")
    executed = []
    real_load = ev._load

    def load(steps, store_upto=None, deadline=None):
        executed.append((steps, ev.prefixes.keys()))
        return real_load(steps, store_upto, deadline)

    ev._load = load
    ctx, _ = _run(name, ev, budget=21, length=5)
    # What each evaluation had to run: only the steps after the longest prefix stored at that time.
    # If any cached prefix were replayed, more steps would have been executed than this.
    needed = 0
    for steps, cached in executed:
        k = max(n for n in range(len(steps) + 1) if n == 0 or steps[:n] in cached)
        needed += len(steps) - k
    assert ev.stats.steps_executed == needed
    assert ev.stats.prefix_hits > 0
    ev.close()


def test_greedy_is_3x_cheaper_than_naive_replay(abc_path, small_aig, tmp_path):
    ev = RecipeEvaluator(small_aig, bundled_library(), abc_path=abc_path, workdir=tmp_path / "p")
    base = ev.evaluate(Recipe.standard("resyn2"))
    ev.stats.steps_executed = ev.stats.steps_naive = 0
    ctx = SearchContext(evaluator=ev, baseline=base, objective="adp", budget=70, recipe_length=10, seed=0)
    get_strategy("greedy").search(ctx)
    assert ctx.used == 70
    assert ev.stats.steps_naive >= 3 * ev.stats.steps_executed
    ev.close()


def test_unknown_strategy_lists_names():
    from edaflow.errors import InputError

    with pytest.raises(InputError, match="choose one of: resyn2, random, greedy, sa, mcts"):
        get_strategy("genetic")
    assert strategy_names()[:5] == ["resyn2", "random", "greedy", "sa", "mcts"]


def test_strategies_bench_reports_a_failing_design_and_runs_the_rest(tmp_path):
    """bench/strategies.py: a design that raises becomes an error row, the next design still runs, exit 1."""
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    bad = tmp_path / "a_bad.v"
    bad.write_text("module bad(input a; endmodule\n")
    p = subprocess.run([sys.executable, str(root / "bench" / "strategies.py"), "--files", str(bad),
                        str(root / "designs" / "cla32.v"), "--strategies", "random", "--budget", "2",
                        "--seed", "1", "--jobs", "1", "--no-write"],
                       capture_output=True, text=True, cwd=root, timeout=300)
    assert p.returncode == 1, p.stderr[-2000:]
    assert "| a_bad | | random | error: InputError:" in p.stdout
    assert any(l.startswith("| cla32 | ") and "| random | +" in l for l in p.stdout.splitlines())


def test_strategies_bench_parses_strategy_options():
    """bench/strategies.py configurations carry strategy keyword options after '+'."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.strategies import parse_strategy_spec

    assert parse_strategy_spec("mcts") == ("mcts", {})
    name, opts = parse_strategy_spec("mcts+stages=2+stage_share=0.6+repeat_best=true")
    assert name == "mcts" and opts == {"stages": 2, "stage_share": 0.6, "repeat_best": True}
    assert get_strategy(name, **opts).stages == 2
    with pytest.raises(ValueError, match="KEY=VALUE"):
        parse_strategy_spec("mcts+stages")
