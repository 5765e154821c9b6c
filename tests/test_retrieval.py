"""retrieval: the FAISS design index (round trip, nearest order, atomic writes, bad files) and α."""

from __future__ import annotations

import json

import numpy as np
import pytest

from edaflow.errors import InputError
from retrieval import DesignIndex, IndexEntry
from retrieval import index as index_mod
from synth.search.abcrl import alpha_from_distance


def _unit(v):
    v = np.asarray(v, dtype="float32")
    return (v / np.linalg.norm(v)).tolist()


def _index(tmp_path):
    idx = DesignIndex(dim=3, model_id="m1")
    idx.add(IndexEntry("a", "sha-a", _unit([1, 0, 0]), "balance; rewrite", {"adp": 10.0}, "lib"))
    idx.add(IndexEntry("b", "sha-b", _unit([1, 1, 0]), "rewrite", {"adp": 5.0}, "lib"))
    idx.add(IndexEntry("c", "sha-c", _unit([0, 0, 1]), "refactor", {"adp": 7.0}, "lib"))
    idx.save(tmp_path / "index.json")
    return idx


def test_round_trip_and_nearest_order(tmp_path):
    _index(tmp_path)
    idx = DesignIndex.load(tmp_path / "index.json")
    assert len(idx) == 3 and idx.model_id == "m1"
    nbs = idx.query(_unit([1, 0.1, 0]), k=3)
    assert [n.name for n in nbs] == ["a", "b", "c"]
    assert nbs[0].distance < nbs[1].distance < nbs[2].distance
    assert nbs[0].best_recipe == "balance; rewrite" and nbs[0].best_qor == {"adp": 10.0}
    assert abs(nbs[2].distance - (1 - float(np.dot(_unit([1, 0.1, 0]), [0, 0, 1])))) < 1e-6
    # Leave-one-out: the design itself is skipped.
    assert [n.name for n in idx.query(_unit([1, 0, 0]), k=1, exclude_sha="sha-a")] == ["b"]


def test_add_keeps_the_better_recipe_and_rm(tmp_path):
    idx = _index(tmp_path)
    assert not idx.add(IndexEntry("a", "sha-a", _unit([1, 0, 0]), "worse", {"adp": 11.0}))
    assert idx.add(IndexEntry("a", "sha-a", _unit([1, 0, 0]), "better", {"adp": 9.0}))
    assert len(idx) == 3 and idx.query(_unit([1, 0, 0]), k=1)[0].best_recipe == "better"
    assert idx.remove("b") == 1 and [n.name for n in idx.query(_unit([1, 1, 0]), k=3)] == ["a", "c"]


def test_interrupted_write_leaves_the_old_index(tmp_path, monkeypatch):
    idx = _index(tmp_path)
    before = (tmp_path / "index.json").read_bytes()
    idx.add(IndexEntry("d", "sha-d", _unit([0, 1, 0])))

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(index_mod.os, "fsync", boom)
    with pytest.raises(KeyboardInterrupt):
        idx.save()
    assert (tmp_path / "index.json").read_bytes() == before
    assert len(DesignIndex.load(tmp_path / "index.json")) == 3


def test_bad_index_files(tmp_path):
    with pytest.raises(InputError, match="no design index"):
        DesignIndex.load(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(InputError, match="corrupt design index.*rebuild"):
        DesignIndex.load(tmp_path / "bad.json")
    _index(tmp_path)
    blob = json.loads((tmp_path / "index.json").read_text())
    blob["entries"][0]["vector"] = [1.0]
    (tmp_path / "short.json").write_text(json.dumps(blob))
    with pytest.raises(InputError, match="wrong length"):
        DesignIndex.load(tmp_path / "short.json")
    with pytest.raises(InputError, match="another agent checkpoint"):
        DesignIndex.load(tmp_path / "index.json").check_model("m2")


def test_alpha_is_monotonic_in_delta():
    deltas = np.linspace(0, 0.1, 200)
    alphas = [alpha_from_distance(d, 100.0, 0.007) for d in deltas]
    assert all(a >= b for a, b in zip(alphas, alphas[1:]))
    assert alpha_from_distance(0.007, 100.0, 0.007) == pytest.approx(0.5)
    assert alpha_from_distance(1.0, 100.0, 0.007) < 1e-30 and alpha_from_distance(0.0, 100.0, 0.007) > 0.6
    # A sharper temperature is closer to a step at the threshold.
    assert alpha_from_distance(0.005, 1000.0, 0.007) > alpha_from_distance(0.005, 100.0, 0.007)
