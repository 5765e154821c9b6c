"""The action registry, the mapping choices, parallel evaluation and time budgets, with the real ABC."""

import random
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from abc_bin import bundled_library
from edaflow.errors import InputError
from synth.abc_session import AbcSession
from synth.actions import ABC_RL, ACTION_SETS, REGISTRY, STRONG, command_of, parse_action_list
from synth.equivalence import Verdict, check_equivalence
from synth.evaluator import MAPPINGS, EvaluatorPool, RecipeEvaluator, parse_mappings
from synth.recipes import Recipe, load_recipe_file
from synth.search import SearchContext, get_strategy


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_action_runs_and_keeps_the_aig_equivalent(name, abc_path, small_aig, tmp_path):
    out = tmp_path / "after.aig"
    with AbcSession(abc_path) as s:
        s.run(f"read {small_aig}")
        before = s.run("print_stats")
        for cmd in command_of(name).split(";"):
            s.run(cmd.strip())
        s.run("strash")
        s.run(f"write_aiger -s {out}")
        assert "and =" in before
        eq = check_equivalence(s, str(small_aig), str(out), sequential=False)
    assert eq.verdict is Verdict.EQUIVALENT, (name, eq.raw[-300:])


@pytest.mark.parametrize("mapping", list(MAPPINGS))
def test_every_mapping_keeps_the_netlist_equivalent(mapping, abc_path, small_aig, tmp_path):
    ev = RecipeEvaluator(small_aig, bundled_library(), abc_path=abc_path, workdir=tmp_path / "p")
    try:
        r = ev.evaluate(Recipe.parse("b; rw; rf"), mapping=mapping)
        assert r.ok and r.mapping == mapping and r.qor.area > 0 and r.qor.delay > 0
        mapped = ev.map_file(small_aig, mapping)
        assert mapped.area > 0
        eq = check_equivalence(ev.session, str(small_aig), None, sequential=False)
        assert eq.verdict is Verdict.EQUIVALENT, (mapping, eq.raw[-300:])
    finally:
        ev.close()


def test_action_sets_and_bad_names():
    assert ACTION_SETS["abc-rl"] == ABC_RL and len(ABC_RL) == 7
    assert all(a in REGISTRY for names in ACTION_SETS.values() for a in names)
    assert parse_action_list("strong") == STRONG
    assert parse_action_list("rewrite, &dc2") == ("rewrite", "&dc2")
    with pytest.raises(InputError, match="unknown action 'frob'; valid actions: refactor, "):
        parse_action_list("rewrite,frob")
    assert parse_mappings("search", "area") == tuple(MAPPINGS)
    assert "amap" not in parse_mappings("search") and "dch; map" in parse_mappings("search")
    with pytest.raises(InputError, match="valid mappings: search, map"):
        parse_mappings("map,frob")


def test_recipe_file_errors_name_the_line(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text("b; rw  # fine\n\nrwz; drw; frob\n")
    with pytest.raises(InputError) as exc:
        load_recipe_file(str(f), tuple(REGISTRY))
    assert exc.value.one_line().startswith(f"{f}:3: unknown action 'frob'; valid actions: refactor")
    f.write_text("b; rw\ndc2; &syn2\n")
    assert [str(r) for r in load_recipe_file(str(f), tuple(REGISTRY))] == ["balance; rewrite", "dc2; &syn2"]


def _search(name, abc_path, aig, workdir, *, jobs, budget=12, time_limit=None, mappings=("map",), seed=3):
    ev = RecipeEvaluator(aig, bundled_library(), abc_path=abc_path, workdir=workdir)
    pool = EvaluatorPool(ev, jobs)
    try:
        base = ev.evaluate(Recipe.standard("resyn2"))
        ctx = SearchContext(evaluator=ev, baseline=base, objective="adp", budget=budget, recipe_length=4, seed=seed,
                            action_set=STRONG, pool=pool, time_limit=time_limit, mappings=mappings)
        t0 = time.monotonic()
        best = get_strategy(name).search(ctx)
        wall = time.monotonic() - t0
        return ctx, best, wall, pool.stats
    finally:
        pool.close()
        ev.close()


@pytest.mark.parametrize("name", ["random", "greedy", "sa", "mcts"])
def test_deterministic_for_seed_and_jobs(name, abc_path, small_aig, tmp_path):
    runs = {}
    for jobs in (1, 2):
        for rep in range(2):
            ctx, best, _, _ = _search(name, abc_path, small_aig, tmp_path / f"{jobs}-{rep}", jobs=jobs)
            assert ctx.used == 12
            runs[jobs, rep] = ([(str(e.recipe), e.qor.adp if e.ok else None) for e in ctx.history], str(best.recipe))
        assert runs[jobs, 0] == runs[jobs, 1], f"{name} with {jobs} jobs is not deterministic"


def test_qor_does_not_depend_on_which_prefixes_were_stored(abc_path, small_aig, tmp_path):
    # With --jobs 2 whether a sibling session has already stored a shared prefix when a recipe starts
    # depends on timing; runs are deterministic only because the QoR is the same either way.
    import random

    rng = random.Random(5)
    recipes = [Recipe(tuple(rng.choice(STRONG) for _ in range(6))) for _ in range(12)]
    ev = RecipeEvaluator(small_aig, bundled_library(), abc_path=abc_path, workdir=tmp_path / "cold")
    cold = [ev.evaluate(r, store_prefixes=0).qor for r in recipes]  # every step in memory, nothing stored
    ev.close()
    ev = RecipeEvaluator(small_aig, bundled_library(), abc_path=abc_path, workdir=tmp_path / "warm")
    for r in recipes:
        ev.evaluate(r.prefix(rng.randrange(1, 6)))  # store a random-length prefix of each
    warm = [ev.evaluate(r).qor for r in recipes]
    assert ev.stats.prefix_hits >= len(recipes)
    ev.close()
    assert cold == warm


def test_flow_with_default_settings_is_deterministic_for_two_jobs(tmp_path):
    # The whole flow as the CLI runs it with no flags (strong actions, mapping search), two ABC sessions.
    from synth.flow import SynthOptions, synthesize

    design = Path(__file__).parent.parent / "designs" / "cla32.v"
    reps = []
    for i in range(2):
        r = synthesize(SynthOptions(files=[str(design)], budget=24, jobs=2, seed=4, use_cache=False,
                                    outdir=str(tmp_path / f"o{i}"))).report
        reps.append((r["best"]["recipe"], r["mapping"], r["best"]["adp"], r["search"]["evaluations"],
                     r["search"]["steps_executed"]))
    assert reps[0] == reps[1]
    assert reps[0][3] == 24


def test_library_defaults_are_the_cli_defaults():
    # One source of truth: SynthOptions (edaflow regress, RecipeRecommender) searches like `edaflow synth`;
    # only jobs differs (1 for library callers that run designs in parallel themselves).
    from edaflow.commands.synth import synth
    from synth.flow import SynthOptions
    from synth.search import CLI_DEFAULTS

    opts = SynthOptions(files=["x.v"])
    assert (opts.strategy, opts.action_set, opts.mapping) == (
        CLI_DEFAULTS["strategy"], CLI_DEFAULTS["actions"], CLI_DEFAULTS["mapping"])
    cli = {p.name: p.default for p in synth.params}
    assert (cli["strategy"], cli["mapping"]) == (opts.strategy, opts.mapping)
    assert opts.jobs == 1  # the CLI passes None (the number of cores)
    # abcrl's default set is its checkpoint's, not the classic default (the bundled model: strong).
    from synth.agent.checkpoint import load_checkpoint

    ab = SynthOptions(files=["x.v"], strategy="abcrl")
    assert parse_action_list(ab.action_set) == load_checkpoint().actions
    assert SynthOptions(files=["x.v"], strategy="abcrl", action_set="extended").action_set == "extended"


def test_a_step_past_its_limit_fails_only_that_evaluation(abc_path, small_aig, tmp_path, monkeypatch):
    # The per-step limit (step_timeout: 50x the cost model, at least 5 s) is far above what any step
    # takes on a small AIG, so it is shrunk for one action here; ABC itself is real.
    import synth.evaluator as evaluator_mod

    real = evaluator_mod.step_timeout
    monkeypatch.setattr(evaluator_mod, "step_timeout",
                        lambda step, ands, cap: 1e-9 if step == "refactor -N 12" else real(step, ands, cap))
    ev = RecipeEvaluator(small_aig, bundled_library(), abc_path=abc_path, workdir=tmp_path / "p")
    pool = EvaluatorPool(ev, 2)
    try:
        evs = pool.evaluate_many([Recipe.parse(t) for t in ("b; rw", "b; refactor -N 12; rw", "rw; b", "dc2; rs")])
        assert [e.ok for e in evs] == [True, False, True, True], [e.error for e in evs]
        assert "timeout" in evs[1].error.lower() or "time" in evs[1].error.lower(), evs[1].error
        assert ev.evaluate(Recipe.parse("b; rw; rf")).ok  # the session still works afterwards
    finally:
        pool.close()
        ev.close()


def test_pool_results_do_not_depend_on_which_session_measured(abc_path, small_aig, tmp_path):
    recipes = [Recipe.parse(t) for t in ("b; rw", "b; rw; rf", "dc2; &syn2", "rwz; drw", "fraig; rs", "b")]
    ev = RecipeEvaluator(small_aig, bundled_library(), abc_path=abc_path, workdir=tmp_path / "p1")
    one = [e.qor for e in EvaluatorPool(ev, 1).evaluate_many(recipes)]
    ev.close()
    ev = RecipeEvaluator(small_aig, bundled_library(), abc_path=abc_path, workdir=tmp_path / "p2")
    pool = EvaluatorPool(ev, 2)
    two = [e.qor for e in pool.evaluate_many(recipes)]
    assert pool.stats.evaluations == 6 and all(e.stats.evaluations > 0 for e in pool.evaluators)
    pool.close()
    ev.close()
    assert one == two


def test_mapping_choice_is_searched_and_recorded(abc_path, small_aig, tmp_path):
    ctx, best, _, _ = _search("random", abc_path, small_aig, tmp_path / "m", jobs=2, budget=20,
                              mappings=tuple(MAPPINGS))
    tried = {e.mapping for e in ctx.history}
    assert tried == set(MAPPINGS) and ctx.used == 20
    assert best.mapping in MAPPINGS
    assert all(ctx.value(best) <= ctx.value(e) for e in ctx.history if e.ok)


@pytest.mark.parametrize("jobs", [1, 2])
def test_time_limit_is_honoured_within_10_percent(jobs, abc_path, small_aig, tmp_path):
    limit = 3.0
    ctx, _, wall, _ = _search("mcts", abc_path, small_aig, tmp_path / "t", jobs=jobs, budget=10**9, time_limit=limit)
    assert 0.9 * limit <= wall <= 1.1 * limit, wall
    assert ctx.used > 10


def test_bad_time_jobs_actions_are_one_line_errors(tmp_path):
    from click.testing import CliRunner

    from edaflow.cli import cli

    design = Path(__file__).parent / "data" / "small_alu.v"
    bad = tmp_path / "r.txt"
    bad.write_text("b; rw\nrw; frob\n")
    for args, msg in ((["--time", "0"], "--time must be a positive"), (["--time", "-2"], "--time must be a positive"),
                      (["--jobs", "0"], "--jobs must be a positive"),
                      (["--actions", "rewrite,frob"], "unknown action 'frob'; valid actions: refactor"),
                      (["--mapping", "frob"], "unknown mapping 'frob'; valid mappings: search, map"),
                      (["--recipe", str(bad)], f"{bad}:2: unknown action 'frob'; valid actions: refactor")):
        r = CliRunner().invoke(cli, ["synth", str(design), "-o", str(tmp_path / "o"), *args])
        assert r.exit_code == 2, r.output
        lines = r.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("edaflow: error: ") and msg in lines[0], r.output
    assert not (tmp_path / "o").exists()  # rejected before any work


OSU018 = Path("/usr/share/qflow/tech/osu018/osu018_stdcells.lib")


@pytest.mark.skipif(not OSU018.exists(), reason="qflow-tech-osu018 not installed")
def test_every_mapping_works_with_a_liberty_library(abc_path, small_aig, tmp_path):
    from abc_bin import load_library

    ev = RecipeEvaluator(small_aig, load_library(str(OSU018), "liberty"), abc_path=abc_path, workdir=tmp_path / "p")
    try:
        for mapping in MAPPINGS:
            r = ev.evaluate(Recipe.parse("b; rw"), mapping=mapping)
            assert r.ok and r.qor.area > 0 and r.qor.delay > 0, (mapping, r.error)
            ev.map_file(small_aig, mapping)
            eq = check_equivalence(ev.session, str(small_aig), None, sequential=False)
            assert eq.verdict is Verdict.EQUIVALENT, (mapping, eq.raw[-300:])
    finally:
        ev.close()


@pytest.mark.parametrize("jobs", [1, 2])
def test_mcts_stages_extend_the_best_recipe_within_the_budget(jobs, abc_path, small_aig, tmp_path):
    # Stage 2 searches recipes appended to stage 1's best: same budget, longer recipes, and still
    # deterministic for (seed, jobs).
    from synth.search.classic import MCTS

    runs = []
    for rep in range(2):
        ev = RecipeEvaluator(small_aig, bundled_library(), abc_path=abc_path, workdir=tmp_path / f"s{jobs}{rep}")
        pool = EvaluatorPool(ev, jobs)
        try:
            base = ev.evaluate(Recipe.standard("resyn2"))
            ctx = SearchContext(evaluator=ev, baseline=base, objective="adp", budget=16, recipe_length=3, seed=3,
                                action_set=STRONG, pool=pool)
            strat = MCTS(stages=2, stage_share=0.5)
            best = strat.search(ctx)
        finally:
            pool.close()
            ev.close()
        assert ctx.used == 16 and len(strat.stage_roots) == 2
        first, second = ctx.history[:8], ctx.history[8:]
        assert all(len(e.recipe) == 3 for e in first)
        stage1_best = min((e for e in [ctx.baseline] + first if e.ok), key=ctx.value)
        assert all(e.recipe.steps[:-3] == stage1_best.recipe.steps and len(e.recipe) > 3 for e in second)
        assert ctx.value(best) <= ctx.value(stage1_best)
        runs.append([(str(e.recipe), e.qor.adp if e.ok else None) for e in ctx.history])
    assert runs[0] == runs[1]


def test_mcts_cost_bias_prefers_cheap_steps_in_rollouts(abc_path, small_aig, tmp_path):
    # Cost-aware rollouts: sampling weights follow the registry's cost model, cost_bias=0 keeps the
    # uniform tail, and a biased search is still deterministic for a seed and keeps to its budget.
    from synth.search.classic import MCTS, _cost_weights

    w = dict(zip(STRONG, _cost_weights(STRONG, 1.0)))
    assert w["balance"] > w["resub -K 8"] > w["refactor -N 12"]
    assert min(w, key=w.get) == max(STRONG, key=lambda a: REGISTRY[a].sec_per_kand)
    assert _cost_weights(STRONG, 0.0) == [1.0] * len(STRONG)
    with pytest.raises(ValueError):
        MCTS(cost_bias=-1)

    runs = []
    for rep in range(2):
        ev = RecipeEvaluator(small_aig, bundled_library(), abc_path=abc_path, workdir=tmp_path / f"c{rep}")
        try:
            base = ev.evaluate(Recipe.standard("resyn2"))
            ctx = SearchContext(evaluator=ev, baseline=base, objective="adp", budget=12, recipe_length=4, seed=5,
                                action_set=STRONG)
            MCTS(cost_bias=2.0).search(ctx)
        finally:
            ev.close()
        assert ctx.used == 12
        runs.append([str(e.recipe) for e in ctx.history])
    assert runs[0] == runs[1]

    cheap = {"balance", "resub -K 8", "resub -z", "resub -K 6 -N 2", "fraig", "&syn2", "drw"}  # 7 of 14
    for bias, lo, hi in ((0.0, 0.4, 0.6), (2.0, 0.75, 1.0)):
        fake = SimpleNamespace(rng=random.Random(1), action_set=STRONG, recipe_length=10)
        tails = [s for r in MCTS(cost_bias=bias)._rollouts(fake, [(None, [])] * 300) for s in r.steps]
        assert lo < sum(s in cheap for s in tails) / len(tails) < hi, bias
