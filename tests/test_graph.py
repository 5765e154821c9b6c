"""synth.graph: AIGER -> PyG graph on tiny hand-made AIGs (counts, edge direction, inversions)."""

from __future__ import annotations

import pytest
import torch

from edaflow.errors import InputError
from synth.graph import FEATURES, AigDataset, aig_to_data

TYPE, INV, LEVEL, FANOUT = (FEATURES.index(f) for f in ("type", "inv_fanins", "level", "fanout"))


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_one_and_with_inverted_fanins(tmp_path):
    # y = !a & b, output inverted: 5 nodes (const, a, b, AND, PO), 3 edges.
    d = aig_to_data(_write(tmp_path, "t.aag", "aag 3 2 0 1 1\n2\n4\n7\n6 3 4\n"))
    assert d.num_nodes == 5 and d.edge_index.shape == (2, 3)
    assert d.ands == 1 and d.inputs == 2 and d.outputs == 1
    assert d.x[:, TYPE].tolist() == [0, 1, 1, 2, 3]
    # Edges run node -> fanin; the AND's fanin from a and the output edge are inverted.
    edges = {(int(s), int(t)): float(a) for (s, t), a in zip(d.edge_index.t(), d.edge_attr[:, 0])}
    assert edges == {(3, 1): 1.0, (3, 2): 0.0, (4, 3): 1.0}
    assert d.x[3, INV] == 1 and d.x[4, INV] == 1 and d.x[1, INV] == 0
    assert d.x[3, LEVEL] == 0.5 and d.x[4, LEVEL] == 1.0  # normalised by the deepest level
    assert torch.isclose(d.x[1, FANOUT], torch.log1p(torch.tensor(1.0)))


def test_two_levels_and_fanout(tmp_path):
    # g1 = a & b, g2 = !g1 & !c, outputs g1 and g2: g1 has fanout 2, g2 has two inverted fanins.
    d = aig_to_data(_write(tmp_path, "t2.aag", "aag 5 3 0 2 2\n2\n4\n6\n8\n10\n8 2 4\n10 9 7\n"))
    assert d.num_nodes == 1 + 3 + 2 + 2 and d.edge_index.shape[1] == 2 * 2 + 2
    ands = (d.x[:, TYPE] == 2).nonzero().flatten().tolist()
    assert sorted(d.x[ands, INV].tolist()) == [0.0, 2.0]
    assert int(d.edge_attr.sum()) == 2
    g1 = [i for i in ands if d.x[i, INV] == 0][0]
    assert torch.isclose(d.x[g1, FANOUT], torch.log1p(torch.tensor(2.0)))  # g2 and an output


def test_latch_counts_as_input_and_output(tmp_path):
    # One latch q, next state = a & !q, output = next state.
    d = aig_to_data(_write(tmp_path, "seq.aag", "aag 3 1 1 1 1\n2\n4 6\n6\n6 2 5\n"))
    assert d.latches == 1
    assert (d.x[:, TYPE] == 2).sum() == 1
    assert (d.x[:, TYPE] == 1).sum() == 2  # the input and the register output
    assert (d.x[:, TYPE] == 3).sum() == 2  # the output and the register input


def test_bad_files_are_one_line_input_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        aig_to_data(tmp_path / "missing.aig")
    with pytest.raises(InputError, match="not an AIGER file"):
        aig_to_data(_write(tmp_path, "x.aig", "hello\n"))
    with pytest.raises(InputError, match="truncated"):
        aig_to_data(_write(tmp_path, "cut.aag", "aag 3 2 0 1 1\n2\n4\n7\n"))


def test_dataset_follows_inmemorydataset(tmp_path):
    a = _write(tmp_path, "a.aag", "aag 3 2 0 1 1\n2\n4\n7\n6 3 4\n")
    b = _write(tmp_path, "b.aag", "aag 5 3 0 2 2\n2\n4\n6\n8\n10\n8 2 4\n10 9 7\n")
    ds = AigDataset(tmp_path / "ds", [a, b])
    assert len(ds) == 2 and ds[1].num_nodes == 8 and ds[0].name == "a"
    again = AigDataset(tmp_path / "ds", [a, b])  # read back from processed/
    assert torch.equal(again[1].x, ds[1].x)
