"""`edaflow train`: AlphaZero-style training of the recipe agent with real ABC in the loop.

One *iteration* runs the ``abcrl`` PUCT search (current network as prior, α = 1, no retrieval) with
``sims`` evaluations on every training design, and adds the search tree's targets to a replay
buffer: for each tree node visited at least ``min_visits`` times, the visit distribution over its
children (policy target) and the best reward found below it (value target). Then the network is
fitted on the buffer for ``steps`` mini-batches (cross-entropy to the visit distributions + squared
error of the value). Every evaluation goes through a persistent result cache in the work folder, so
recipes met again in later iterations (and after a restart) cost nothing.

Resumable: after every design the buffer, the network and ``state.json`` are written to the work
folder (atomically); running the same command again continues where it stopped. The log is
``train_log.csv`` and ``train_log.jsonl`` (one row per design search and one per fit), plus
TensorBoard scalars when ``torch.utils.tensorboard`` can be imported.

At the end the retrieval constants are calibrated by leave-one-out over the training designs (see
:func:`calibrate_retrieval`), and the checkpoint and the index of the training designs (with the best
recipe found for each) are written.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import random
import shlex
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch_geometric.data import Batch

from edaflow.errors import InputError
from edaflow.manifest import DEFAULT_MANIFEST, load_manifest

LOG_FIELDS = ["time", "iteration", "kind", "design", "evaluations", "best_reward", "samples", "policy_loss",
              "value_loss", "seconds"]


@dataclass
class TrainConfig:
    manifest: str = str(DEFAULT_MANIFEST)
    split: str = "train"
    designs: list[str] = field(default_factory=list)  # names; empty: every design of the split
    max_ands: int = 3000  # leave bigger designs out (ABC time grows with size)
    actions: str = "strong"
    iterations: int = 3
    sims: int = 64  # evaluations per design search
    recipe_length: int = 10
    min_visits: int = 4
    steps: int = 200  # mini-batches per fit
    batch: int = 64
    lr: float = 2e-3
    buffer: int = 20000
    seed: int = 0
    init: str | None = None
    device: str = "cpu"
    threads: int = 1
    workdir: str = "edaflow_train"
    out: str | None = None  # checkpoint (default: WORKDIR/agent.pt)
    index_out: str | None = None  # index of the training designs (default: WORKDIR/index.json)
    command: str = ""


def _atomic_json(path: Path, obj) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(obj, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def model_id(net) -> str:
    h = hashlib.sha256()
    for k, v in sorted(net.state_dict().items()):
        h.update(k.encode())
        h.update(v.detach().cpu().numpy().tobytes())
    return h.hexdigest()[:16]


class Trainer:
    def __init__(self, cfg: TrainConfig, say: Callable[[str], None] = print):
        from abc_bin import bundled_library
        from synth.actions import action_set

        from synth.agent.checkpoint import code_version

        self.cfg, self.say = cfg, say
        self.code_version = code_version()  # the code this run started with, not HEAD when it ends
        self.work = Path(cfg.workdir)
        self.work.mkdir(parents=True, exist_ok=True)
        self.actions = action_set(cfg.actions)
        self.library = bundled_library()
        entries = load_manifest(cfg.manifest, cfg.split)
        if cfg.designs:
            known = {e.name for e in entries}
            bad = [d for d in cfg.designs if d not in known]
            if bad:
                raise InputError(f"design {bad[0]!r} is not in the {cfg.split} split of the manifest", path=cfg.manifest)
            entries = [e for e in entries if e.name in cfg.designs]
        entries = [e for e in entries if e.ands is None or e.ands <= cfg.max_ands]
        if not entries:
            raise InputError(f"no {cfg.split} designs with at most {cfg.max_ands} AND nodes", path=cfg.manifest)
        self.entries = entries
        self.out = Path(cfg.out) if cfg.out else self.work / "agent.pt"
        self.index_out = Path(cfg.index_out) if cfg.index_out else self.work / "index.json"

    # -- set-up ---------------------------------------------------------------------------------------
    def _graphs(self):
        from synth.agent.designs import design_aig
        from synth.graph import aig_to_data

        self.aigs, self.graphs = {}, {}
        for e in self.entries:
            self.aigs[e.name] = design_aig(e, self.work / "aigs")
            self.graphs[e.name] = aig_to_data(self.aigs[e.name])

    def _network(self):
        from synth.agent.checkpoint import check_compatible, load_checkpoint
        from synth.agent.model import ModelConfig, RecipeNet

        torch.manual_seed(self.cfg.seed)
        latest = self.work / "latest.pt"
        if latest.is_file():
            ck = load_checkpoint(latest)
            self.say(f"resuming from {latest}")
            return ck.net
        if self.cfg.init:
            ck = load_checkpoint(self.cfg.init)
            check_compatible(ck, actions=self.actions)
            self.say(f"fine-tuning {self.cfg.init}")
            return ck.net
        return RecipeNet(ModelConfig(n_actions=len(self.actions), recipe_length=self.cfg.recipe_length))

    def _state(self) -> dict:
        p = self.work / "state.json"
        if p.is_file():
            st = json.loads(p.read_text())
            if st.get("config_key") != self._config_key():
                raise InputError("the work folder holds a run with other settings; use another --workdir or "
                                 "delete it", path=str(self.work))
            return st
        return {"config_key": self._config_key(), "iteration": 0, "done": [], "best": {}, "seconds": 0.0}

    def _config_key(self) -> str:
        d = asdict(self.cfg)
        for k in ("command", "device", "threads", "out", "index_out", "workdir"):
            d.pop(k)
        d["designs"] = [e.name for e in self.entries]
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]

    # -- one design search ------------------------------------------------------------------------------
    def _search(self, net, name: str, it: int, cache):
        from synth.agent import Agent
        from synth.agent.checkpoint import Checkpoint
        from synth.evaluator import RecipeEvaluator
        from synth.recipes import Recipe
        from synth.search.abcrl import AbcRL, best_recipe_targets
        from synth.search.base import SearchContext

        agent = Agent(Checkpoint(self.work / "latest.pt", net, self._meta(net), {}), threads=self.cfg.threads)
        ev = RecipeEvaluator(self.aigs[name], self.library, result_cache=cache)
        try:
            base = ev.evaluate(Recipe.standard("resyn2"))
            if not base.ok:
                raise InputError(f"resyn2 failed on {name}: {base.error}")
            seed = int(hashlib.sha256(f"{self.cfg.seed}/{it}/{name}".encode()).hexdigest()[:8], 16)
            ctx = SearchContext(evaluator=ev, baseline=base, objective="adp", budget=self.cfg.sims,
                                recipe_length=self.cfg.recipe_length, seed=seed, action_set=self.actions)
            strat = AbcRL(agent=agent, alpha=1.0, warm_starts=0, use_index=False)
            strat.search(ctx)
            targets = strat.targets(len(self.actions), self.cfg.min_visits, self.actions)
            targets += best_recipe_targets(ctx, self.actions)
            return ctx, targets
        finally:
            ev.close()

    # -- fitting -----------------------------------------------------------------------------------------
    def _fit(self, net, buffer: list, rng: random.Random) -> tuple[float, float]:
        dev = torch.device(self.cfg.device)
        net.to(dev).train()
        names = [e.name for e in self.entries]
        batch_graphs = Batch.from_data_list([self.graphs[n] for n in names]).to(dev)
        pos = {n: i for i, n in enumerate(names)}
        opt = torch.optim.Adam(net.parameters(), lr=self.cfg.lr, weight_decay=1e-4)
        pl_sum = vl_sum = 0.0
        for _ in range(self.cfg.steps):
            sample = [buffer[rng.randrange(len(buffer))] for _ in range(min(self.cfg.batch, len(buffer)))]
            emb_all = net.embed(batch_graphs.x, batch_graphs.edge_index, batch_graphs.batch)
            emb = emb_all[torch.tensor([pos[s[0]] for s in sample], device=dev)]
            logits, value = net.heads(emb, [tuple(s[1]) for s in sample])
            target = torch.tensor(np.array([s[2] for s in sample]), dtype=torch.float32, device=dev)
            vt = torch.tensor([s[3] for s in sample], dtype=torch.float32, device=dev)
            pl = -(target * torch.log_softmax(logits, dim=1)).sum(1).mean()
            vl = ((value - vt) ** 2).mean()
            opt.zero_grad()
            (pl + vl).backward()
            opt.step()
            pl_sum += pl.item()
            vl_sum += vl.item()
        net.cpu().eval()
        return pl_sum / self.cfg.steps, vl_sum / self.cfg.steps

    # -- metadata, calibration, outputs -----------------------------------------------------------------
    def _meta(self, net, extra: dict | None = None) -> dict:
        from synth.agent.checkpoint import base_meta

        designs = [{"name": e.name, "aig_sha256": self.graphs[e.name].aig_sha256, "ands": e.ands}
                   for e in self.entries] if hasattr(self, "graphs") else []
        meta = base_meta(self.cfg.actions, self.actions, self.library, designs, self.cfg.command,
                         version=self.code_version)
        meta["training"] = {k: v for k, v in asdict(self.cfg).items() if k not in ("command",)}
        meta.update(extra or {})
        return meta

    def _log(self, row: dict) -> None:
        row = {"time": time.strftime("%Y-%m-%dT%H:%M:%S"), **row}
        csv_path = self.work / "train_log.csv"
        new = not csv_path.exists()
        with open(csv_path, "a", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=LOG_FIELDS, extrasaction="ignore")
            if new:
                w.writeheader()
            w.writerow(row)
        with open(self.work / "train_log.jsonl", "a") as fh:
            fh.write(json.dumps(row) + "\n")
        if self.tb is not None:
            step = row["iteration"]
            if row["kind"] == "search":
                self.tb.add_scalar(f"reward/{row['design']}", row["best_reward"], step)
            else:
                self.tb.add_scalar("loss/policy", row["policy_loss"], step)
                self.tb.add_scalar("loss/value", row["value_loss"], step)

    def run(self) -> dict:
        from synth.agent.checkpoint import save_checkpoint
        from synth.agent.model import set_threads
        from synth.cache import ResultCache

        set_threads(self.cfg.threads)
        t_start = time.perf_counter()
        self._graphs()
        net = self._network()
        state = self._state()
        buf_path = self.work / "buffer.pt"
        buffer = torch.load(buf_path, weights_only=False) if buf_path.is_file() else []
        try:
            from torch.utils.tensorboard import SummaryWriter  # optional

            self.tb = SummaryWriter(str(self.work / "tensorboard"))
        except Exception:  # noqa: BLE001  (tensorboard not installed)
            self.tb = None
        cache = ResultCache(self.work / "results.sqlite")
        rng = random.Random(self.cfg.seed + 7919 * state["iteration"])
        try:
            while state["iteration"] < self.cfg.iterations:
                it = state["iteration"]
                for k, e in enumerate(self.entries):
                    if e.name in state["done"]:
                        continue
                    t0 = time.perf_counter()
                    ctx, targets = self._search(net, e.name, it, cache)
                    buffer.extend((e.name, p, d, v) for p, d, v in targets)
                    buffer = buffer[-self.cfg.buffer:]
                    best = ctx.best
                    old = state["best"].get(e.name)
                    if best.ok and (old is None or best.qor.adp < old["qor"]["adp"]):
                        state["best"][e.name] = {"recipe": str(best.recipe), "qor": best.qor.to_dict(),
                                                 "reward": ctx.score(best)}
                    secs = time.perf_counter() - t0
                    self._log({"iteration": it, "kind": "search", "design": e.name, "evaluations": ctx.used,
                               "best_reward": round(ctx.score(best), 5), "samples": len(targets),
                               "seconds": round(secs, 2)})
                    self.say(f"[iteration {it + 1}/{self.cfg.iterations}] {k + 1}/{len(self.entries)} {e.name}: "
                             f"best {100 * ctx.score(best):+.2f}% ADP vs resyn2 in {ctx.used} evaluations, "
                             f"{len(targets)} targets, {secs:.0f} s")
                    state["done"].append(e.name)
                    state["seconds"] += secs
                    self._save_progress(net, buffer, state)
                t0 = time.perf_counter()
                pl, vl = self._fit(net, buffer, rng) if buffer else (math.nan, math.nan)
                secs = time.perf_counter() - t0
                self._log({"iteration": it, "kind": "fit", "samples": len(buffer), "policy_loss": round(pl, 5),
                           "value_loss": round(vl, 5), "seconds": round(secs, 2)})
                self.say(f"[iteration {it + 1}/{self.cfg.iterations}] fit on {len(buffer)} targets: policy loss "
                         f"{pl:.4f}, value loss {vl:.4f}, {secs:.0f} s")
                state["iteration"] = it + 1
                state["done"] = []
                state["seconds"] += secs
                self._save_progress(net, buffer, state)
        finally:
            cache.close()
            if self.tb is not None:
                self.tb.close()
        extra = self._finish(net, state)
        meta = self._meta(net, extra)
        save_checkpoint(self.out, net, meta)
        self._write_index(net, meta, state)
        for name in ("train_log.csv", "train_log.jsonl"):
            dst = self.out.parent / name
            if dst.resolve() != (self.work / name).resolve():
                shutil.copyfile(self.work / name, dst)
        self.say(f"wrote {self.out} and {self.index_out} ({state['seconds']:.0f} s of training in all; "
                 f"this call {time.perf_counter() - t_start:.0f} s)")
        return {"checkpoint": str(self.out), "index": str(self.index_out), "seconds": state["seconds"],
                "best": state["best"]}

    def _save_progress(self, net, buffer, state) -> None:
        from synth.agent.checkpoint import save_checkpoint

        tmp = self.work / f".buffer.pt.{os.getpid()}.tmp"
        torch.save(buffer, tmp)
        os.replace(tmp, self.work / "buffer.pt")
        save_checkpoint(self.work / "latest.pt", net, self._meta(net))
        _atomic_json(self.work / "state.json", state)

    def _embeddings(self, net) -> dict[str, torch.Tensor]:
        with torch.no_grad():
            return {n: net.embed(g.x, g.edge_index)[0] for n, g in self.graphs.items()}

    def _finish(self, net, state) -> dict:
        embs = self._embeddings(net)
        center = torch.stack(list(embs.values())).mean(0)
        cal = calibrate_retrieval(embs, center)
        mid = model_id(net)
        return {"embedding_center": center.tolist(), "retrieval": cal, "model_id": mid,
                "training_seconds": round(state["seconds"], 1),
                "best_recipes": state["best"]}

    def _write_index(self, net, meta, state) -> None:
        from retrieval import DesignIndex, IndexEntry
        from synth.agent import retrieval_vector

        embs = self._embeddings(net)
        center = torch.tensor(meta["embedding_center"])
        idx = DesignIndex(dim=int(center.numel()), model_id=meta["model_id"])
        for n, emb in embs.items():
            b = state["best"].get(n, {})
            idx.add(IndexEntry(name=n, aig_sha256=self.graphs[n].aig_sha256,
                               vector=retrieval_vector(emb, center).tolist(), best_recipe=b.get("recipe", ""),
                               best_qor=b.get("qor", {}), library_sha256=self.library.sha256, source="train"))
        idx.save(self.index_out)


def calibrate_retrieval(embs: dict[str, torch.Tensor], center: torch.Tensor) -> dict:
    """T and δ_th by leave-one-out over the training designs: δ_i is each design's cosine distance to
    its nearest *other* training design (centred, normalised embeddings). δ_th is the median δ_i — a
    new design as close to the training set as the typical training design is to the others gets
    α = 0.5 — and T = 3/δ_th, so α is 0.95 for a design already in the index (δ = 0) and 0.05 at
    twice the typical distance. (ABC-RL's fixed T = 100, δ_th = 0.007 assume its embeddings' scale.)"""
    from synth.agent import retrieval_vector

    names = list(embs)
    vecs = np.stack([retrieval_vector(embs[n], center) for n in names])
    sims = vecs @ vecs.T
    np.fill_diagonal(sims, -np.inf)
    loo = 1.0 - sims.max(axis=1) if len(names) > 1 else np.array([0.5])
    thr = float(max(np.median(loo), 1e-4))
    return {"threshold": thr, "temperature": 3.0 / thr, "method": "leave-one-out median (see calibrate_retrieval)",
            "loo_distances": {n: round(float(d), 6) for n, d in zip(names, loo)}}


def command_line() -> str:
    return "edaflow " + " ".join(shlex.quote(a) for a in sys.argv[1:])
