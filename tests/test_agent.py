"""The recipe agent: model forward/backward, checkpoint round trip and mismatch reports, abcrl
determinism with real ABC, and a tiny `edaflow train` run end to end."""

from __future__ import annotations

import json

import pytest
import torch
from click.testing import CliRunner

from edaflow.cli import cli
from edaflow.errors import InputError
from edaflow.manifest import load_manifest
from synth.actions import ABC_RL, action_set
from synth.agent import Agent
from synth.agent.checkpoint import base_meta, check_compatible, differences, load_checkpoint, save_checkpoint
from synth.agent.model import ModelConfig, RecipeNet
from synth.graph import aig_to_data

AAG = "aag 5 3 0 2 2\n2\n4\n6\n8\n10\n8 2 4\n10 9 7\n"


@pytest.fixture(scope="module")
def dec_aig(tmp_path_factory):
    from synth.agent.designs import design_aig

    entry = next(e for e in load_manifest() if e.name == "dec5to32")
    return design_aig(entry, tmp_path_factory.mktemp("aigs"))


def _ckpt(tmp_path, actions=ABC_RL, name="abc-rl"):
    from abc_bin import bundled_library

    torch.manual_seed(0)
    net = RecipeNet(ModelConfig(n_actions=len(actions)))
    meta = base_meta(name, actions, bundled_library(), [], "test")
    meta["model_id"] = "test"
    return save_checkpoint(tmp_path / "agent.pt", net, meta), net


def test_forward_backward(tmp_path):
    p = tmp_path / "t.aag"
    p.write_text(AAG)
    d = aig_to_data(p)
    net = RecipeNet(ModelConfig(n_actions=7))
    emb = net.embed(d.x, d.edge_index)
    assert emb.shape == (1, 64)
    logits, value = net.heads(emb, [(), (0, 3), (6,) * 9])
    assert logits.shape == (3, 7) and value.shape == (3,) and bool((value.abs() <= 1).all())
    loss = -torch.log_softmax(logits, 1)[:, 2].mean() + (value ** 2).mean()
    loss.backward()
    grads = [p.grad for p in net.parameters()]
    assert all(g is not None for g in grads) and net.design.conv1.lin.weight.grad.abs().sum() > 0


def test_checkpoint_round_trip_and_mismatch(tmp_path):
    path, net = _ckpt(tmp_path)
    ck = load_checkpoint(path)
    assert ck.actions == ABC_RL and ck.meta["command"] == "test"
    for k, v in net.state_dict().items():
        assert torch.equal(v, ck.net.state_dict()[k])
    check_compatible(ck, actions=ABC_RL)
    with pytest.raises(InputError, match=r"not in the checkpoint: dc2.*retrain"):
        check_compatible(ck, actions=action_set("extended"))
    diffs = differences(ck.meta, actions=ABC_RL, library_sha256="0" * 64,
                        feature_spec=dict(ck.meta["feature_spec"], fanout="raw count"))
    assert any(d.startswith("graph features: fanout: checkpoint 'log1p") for d in diffs)
    assert any(d.startswith("cell library:") for d in diffs)


def test_missing_and_corrupt_checkpoints_exit_2(tmp_path, dec_aig):
    with pytest.raises(InputError, match="edaflow train"):
        load_checkpoint(tmp_path / "none.pt")
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"\x80\x04not a pickle")
    with pytest.raises(InputError, match="corrupt agent checkpoint.*edaflow train"):
        load_checkpoint(bad)
    r = CliRunner().invoke(cli, ["index", "query", str(dec_aig), "--checkpoint", str(bad)])
    assert r.exit_code == 2 and "corrupt agent checkpoint" in r.output and len(r.output.strip().splitlines()) == 1


def test_abcrl_is_deterministic_for_a_seed(tmp_path, dec_aig):
    from synth.agent.runs import run_strategy
    from synth.search.abcrl import AbcRL

    path, _ = _ckpt(tmp_path)
    runs = []
    for seed in (3, 3, 4):
        agent = Agent.load(path)
        ctx = run_strategy(dec_aig, AbcRL(agent=agent, alpha=1.0, use_index=False), budget=12, seed=seed,
                           action_set=ABC_RL)
        assert ctx.used == 12
        runs.append([str(e.recipe) for e in ctx.history])
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert len(set(runs[0])) == 12  # no recipe evaluated twice


def test_abcrl_alpha_zero_is_exactly_mcts_and_alpha_one_differs(tmp_path, dec_aig):
    """α → 0 reduces to plain MCTS, literally: with α = 0 and no warm starts abcrl evaluates the same
    recipes in the same order as `mcts` with the same seed; with α = 1 the prior changes the search."""
    from synth.agent.runs import run_strategy
    from synth.search.abcrl import AbcRL
    from synth.search.classic import MCTS

    path, _ = _ckpt(tmp_path)
    agent = Agent.load(path)
    hist = {}
    for name, strat in (("mcts", MCTS()), ("a0", AbcRL(agent=agent, alpha=0.0, warm_starts=0, use_index=False)),
                        ("a1", AbcRL(agent=agent, alpha=1.0, warm_starts=0, use_index=False))):
        hist[name] = [str(e.recipe) for e in run_strategy(dec_aig, strat, budget=10, seed=2, action_set=ABC_RL).history]
    assert hist["a0"] == hist["mcts"]
    assert hist["a1"] != hist["mcts"]


def test_tiny_training_run_end_to_end(tmp_path):
    work = tmp_path / "work"
    args = ["train", "--designs", "dec5to32,rca32", "--iterations", "1", "--sims", "8", "--steps", "5",
            "--workdir", str(work)]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    ck = load_checkpoint(work / "agent.pt")
    assert [d["name"] for d in ck.meta["training_designs"]] == ["rca32", "dec5to32"]
    assert ck.meta["command"].startswith("edaflow ") and ck.meta["retrieval"]["threshold"] > 0
    rows = [json.loads(x) for x in (work / "train_log.jsonl").read_text().splitlines()]
    assert [r["kind"] for r in rows] == ["search", "search", "fit"]
    assert all(r["evaluations"] == 8 for r in rows[:2])
    index = json.loads((work / "index.json").read_text())
    assert {e["name"] for e in index["entries"]} == {"rca32", "dec5to32"}
    assert all(e["best_recipe"] for e in index["entries"])
    # Rerunning the finished command resumes (nothing left to search) and rewrites the same outputs.
    r2 = CliRunner().invoke(cli, args)
    assert r2.exit_code == 0 and "resuming" in r2.output
    assert len((work / "train_log.jsonl").read_text().splitlines()) == 3
    # --init fine-tunes that checkpoint on other designs (a team's own), starting from its weights.
    r3 = CliRunner().invoke(cli, ["train", "--designs", "prio_enc64", "--iterations", "1", "--sims", "4", "--steps", "2",
                                  "--workdir", str(tmp_path / "ft"), "--init", str(work / "agent.pt")])
    assert r3.exit_code == 0 and "fine-tuning" in r3.output, r3.output
    assert [d["name"] for d in load_checkpoint(tmp_path / "ft" / "agent.pt").meta["training_designs"]] == ["prio_enc64"]
    r4 = CliRunner().invoke(cli, ["train", "--designs", "prio_enc64", "--workdir", str(tmp_path / "ft2"),
                                  "--actions", "extended", "--init", str(work / "agent.pt")])
    assert r4.exit_code == 2 and "action set" in r4.output
    # The strategy refuses a search with another action set than the checkpoint's, naming the difference.
    from synth.agent.runs import run_strategy
    from synth.search.abcrl import AbcRL

    with pytest.raises(InputError, match="action set"):
        run_strategy(work / "aigs" / next(p.name for p in (work / "aigs").iterdir() if p.name.startswith("dec")),
                     AbcRL(checkpoint=work / "agent.pt", index=work / "index.json"), budget=4,
                     action_set=action_set("extended"))


def test_train_bad_options_exit_2(tmp_path):
    r = CliRunner().invoke(cli, ["train", "--designs", "nope", "--workdir", str(tmp_path / "w")])
    assert r.exit_code == 2 and "'nope' is not in the train split" in r.output
    r = CliRunner().invoke(cli, ["train", "--sims", "0", "--workdir", str(tmp_path / "w")])
    assert r.exit_code == 2
    if not torch.cuda.is_available():
        r = CliRunner().invoke(cli, ["train", "--device", "cuda", "--workdir", str(tmp_path / "w")])
        assert r.exit_code == 2 and "no CUDA device" in r.output


def test_training_resumes_after_an_interruption(tmp_path, monkeypatch):
    from synth.agent.training import TrainConfig, Trainer

    cfg = TrainConfig(designs=["dec5to32", "rca32"], iterations=1, sims=6, steps=3, workdir=str(tmp_path / "w"))
    real = Trainer._search
    calls = []

    def flaky(self, net, name, it, cache):
        calls.append(name)
        if len(calls) == 2:
            raise KeyboardInterrupt  # killed during the second design's search
        return real(self, net, name, it, cache)

    monkeypatch.setattr(Trainer, "_search", flaky)
    with pytest.raises(KeyboardInterrupt):
        Trainer(cfg, say=lambda m: None).run()
    state = json.loads((tmp_path / "w" / "state.json").read_text())
    assert state["done"] == ["rca32"] and state["iteration"] == 0
    monkeypatch.setattr(Trainer, "_search", real)
    out = Trainer(cfg, say=lambda m: None).run()
    rows = [json.loads(x) for x in (tmp_path / "w" / "train_log.jsonl").read_text().splitlines()]
    assert [(r["kind"], r.get("design")) for r in rows] == [("search", "rca32"), ("search", "dec5to32"), ("fit", None)]
    assert set(out["best"]) == {"rca32", "dec5to32"}
