"""RecipeRecommender (library API) and the index/synth CLI around it, with real ABC and a small checkpoint."""

from __future__ import annotations

import json

import pytest
import torch
from click.testing import CliRunner

from edaflow import RecipeRecommender
from edaflow.cli import cli
from edaflow.errors import InputError
from edaflow.manifest import load_manifest
from synth.actions import ABC_RL


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """A randomly initialised checkpoint, an index holding dec5to32, and two design AIGs."""
    from abc_bin import bundled_library
    from retrieval import DesignIndex
    from retrieval.remember import entry_for
    from synth.agent import Agent
    from synth.agent.checkpoint import base_meta, save_checkpoint
    from synth.agent.designs import design_aig
    from synth.agent.model import ModelConfig, RecipeNet

    tmp = tmp_path_factory.mktemp("rec")
    entries = {e.name: e for e in load_manifest()}
    aigs = {n: design_aig(entries[n], tmp / "aigs") for n in ("dec5to32", "seg7_dec")}
    torch.manual_seed(1)
    net = RecipeNet(ModelConfig(n_actions=len(ABC_RL)))
    meta = base_meta("abc-rl", ABC_RL, bundled_library(), [], "test")
    meta.update(model_id="m-test", embedding_center=[0.0] * 64, retrieval={"temperature": 30.0, "threshold": 0.1})
    ck = save_checkpoint(tmp / "agent.pt", net, meta)
    agent = Agent.load(ck)
    idx = DesignIndex(dim=64, model_id="m-test")
    idx.add(entry_for(agent, aigs["dec5to32"], "dec5to32", "rewrite; balance; resub -K 8", {"adp": 1.0},
                      bundled_library().sha256, "test"))
    idx.save(tmp / "index.json")
    return tmp, ck, tmp / "index.json", aigs


def test_suggest_ranks_recipes_of_the_action_set(setup):
    _, ck, index, aigs = setup
    rec = RecipeRecommender.load(ck, index)
    sugg = rec.suggest(aigs["seg7_dec"], k=4)
    assert len(sugg) == 4 and len({s.recipe for s in sugg}) == 4
    assert all(len(s.steps) == 10 and set(s.steps) <= set(ABC_RL) for s in sugg)
    probs = [s.probability for s in sugg]
    assert probs == sorted(probs, reverse=True) and 0 < probs[0] <= 1
    with pytest.raises(InputError):
        rec.suggest(aigs["seg7_dec"], k=0)


def test_recommend_runs_the_flow_and_remembers(setup, tmp_path, monkeypatch):
    _, ck, index, aigs = setup
    team = tmp_path / "team.json"
    monkeypatch.setenv("EDAFLOW_INDEX", str(team))
    import shutil

    shutil.copyfile(index, team)
    rec = RecipeRecommender.load(ck, team)
    r = rec.recommend(aigs["seg7_dec"], budget=6, seed=0, outdir=tmp_path / "out", remember=True)
    assert r.equivalence == "equivalent"
    assert r.qor["adp"] <= r.baseline["adp"]
    assert 0.0 <= r.alpha <= 1.0 and r.neighbours[0]["name"] == "dec5to32"
    assert r.warm_start_evaluations == 1  # dec5to32's recipe
    assert r.report["search"]["evaluations"] == 6
    names = [e["name"] for e in json.loads(team.read_text())["entries"]]
    assert sorted(names) == sorted([aigs["seg7_dec"].stem, "dec5to32"])
    # The remembered design is now its own nearest neighbour, at distance 0 and the highest α.
    r2 = CliRunner().invoke(cli, ["index", "query", str(aigs["seg7_dec"]), "--checkpoint", str(ck), "--json"])
    assert r2.exit_code == 0, r2.output
    q = json.loads(r2.output)
    assert q["neighbours"][0]["distance"] < 1e-5 and q["alpha"] > r.alpha


def test_index_cli_round_trip_and_errors(setup, tmp_path):
    _, ck, index, aigs = setup
    idx = tmp_path / "i.json"
    run = CliRunner().invoke
    r = run(cli, ["index", "add", str(aigs["seg7_dec"]), "--name", "seg", "--recipe", "balance", "--index", str(idx),
                  "--checkpoint", str(ck)])
    assert r.exit_code == 0 and "added seg" in r.output
    r = run(cli, ["index", "list", "--index", str(idx)])
    assert r.exit_code == 0 and "seg" in r.output and "1 designs" in r.output
    r = run(cli, ["index", "rm", "seg", "--index", str(idx)])
    assert r.exit_code == 0
    r = run(cli, ["index", "rm", "seg", "--index", str(idx)])
    assert r.exit_code == 2 and "no entry called 'seg'" in r.output
    (tmp_path / "bad.json").write_text("[1, 2")
    r = run(cli, ["index", "list", "--index", str(tmp_path / "bad.json")])
    assert r.exit_code == 2 and "corrupt design index" in r.output and len(r.output.strip().splitlines()) == 1
    with pytest.raises(InputError, match="edaflow train"):
        RecipeRecommender.load(tmp_path / "missing.pt")


def test_synth_strategy_abcrl_without_checkpoint_exits_2(setup, tmp_path, monkeypatch):
    _, _, _, aigs = setup
    monkeypatch.setenv("EDAFLOW_CHECKPOINT", str(tmp_path / "none.pt"))
    r = CliRunner().invoke(cli, ["synth", str(aigs["seg7_dec"]), "--strategy", "abcrl", "-o", str(tmp_path / "o")])
    assert r.exit_code == 2 and "needs an agent checkpoint" in r.output and "edaflow train" in r.output
