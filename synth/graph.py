"""An AIG as a graph for the learned agent: AIGER file -> ``torch_geometric.data.Data``.

The file is read by `aigverse <https://pypi.org/project/aigverse/>`_ (a C++ logic-network library;
``to_graph_tensors`` exports topology, levels and fanouts as arrays), after edaflow's own
:func:`synth.aiger.validate_aiger` has checked the header and body (so a bad file is a one-line
:class:`InputError` naming it, not a parser crash). Sequential AIGs are cut at their latches first:
register outputs count as inputs and register inputs (next states) as outputs.

Graph (one node per constant, input, AND and output; ABC-RL's graph plus level and fanout):

* ``x`` (float32, ``N x 4``), the columns of :data:`FEATURES`:
  ``type`` (0 constant, 1 input, 2 AND, 3 output; the model embeds it), ``inv_fanins`` (number of
  complemented fanin edges: 0..2 for an AND, 0..1 for an output), ``level`` (logic level divided by
  the deepest level, 0..1) and ``fanout`` (``log1p`` of the number of fanouts);
* ``edge_index`` (int64, ``2 x E``): edges from each node to its fanins (AND -> its two fanins,
  output -> its driver), as in ABC-RL;
* ``edge_attr`` (float32, ``E x 1``): 1.0 for a complemented (inverted) edge, else 0.0.

:data:`FEATURE_SPEC` names all of this; checkpoints record it so a model is never fed a graph it was
not trained on. :class:`AigDataset` follows PyG's ``InMemoryDataset`` conventions.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Sequence

import torch
from torch_geometric.data import Data, InMemoryDataset

from edaflow.errors import InputError
from synth.aiger import aiger_content_sha256, validate_aiger

NODE_TYPES = ("const", "input", "and", "output")
FEATURES = ("type", "inv_fanins", "level", "fanout")
FEATURE_SPEC = {
    "version": 1,
    "node_types": list(NODE_TYPES),
    "features": list(FEATURES),
    "level": "level / max level",
    "fanout": "log1p(fanout count)",
    "edges": "node -> fanin",
    "edge_attr": ["inverted"],
    "reader": "aigverse",
}


def _cut_latches(data: bytes, header, ascii_format: bool) -> bytes:
    """The same AIGER with every latch cut into an input (its output) and an output (its next state):
    aigverse exports graph tensors of combinational networks only. Variable numbering is unchanged
    (latch variables follow the inputs in both formats), so only the header and the latch lines change."""
    from synth.aiger import _scan

    data = data[:_scan(data, Path("<cut>"))[1]]  # drop symbols and comments (latch names would dangle)
    lines = data.split(b"\n")
    fields = lines[0].split()
    i, l, o = header.inputs, header.latches, header.outputs
    fields[2:5] = [str(i + l).encode(), b"0", str(o + l).encode()]
    head = [b" ".join(fields)]
    first = 1 + (i if ascii_format else 0)
    latch_lines = [ln.split() for ln in lines[first:first + l]]
    ins = lines[1:first] + ([ln[0] for ln in latch_lines] if ascii_format else [])
    outs = [ln[1] if ascii_format else ln[0] for ln in latch_lines]
    rest_start = first + l
    if ascii_format:
        return b"\n".join(head + ins + outs + lines[rest_start:])
    # Binary: the AND section follows the output lines and is not line-structured; keep its bytes.
    pos = 0
    for _ in range(rest_start):
        pos = data.index(b"\n", pos) + 1
    return b"\n".join(head + outs) + b"\n" + data[pos:]


def _read_network(path: Path, header, ascii_format: bool):
    import tempfile

    import aigverse.io as aio

    reader = aio.read_ascii_aiger_into_aig if ascii_format else aio.read_aiger_into_aig
    try:
        if not header.latches:
            return reader(str(path))
        with tempfile.TemporaryDirectory(prefix="edaflow-graph-") as tmp:
            cut = Path(tmp) / ("cut.aag" if ascii_format else "cut.aig")
            cut.write_bytes(_cut_latches(path.read_bytes(), header, ascii_format))
            return reader(str(cut))
    except RuntimeError as exc:
        raise InputError(f"cannot read AIGER file: {exc}", path=str(path)) from None


def aig_to_data(path: str | os.PathLike) -> Data:
    """Read an AIGER file (binary or ASCII) into a PyG graph (see the module docstring).

    The ``Data`` also carries ``name`` (the file stem), ``aig_sha256`` (content hash without the
    comment section, as the result cache uses) and ``ands``/``inputs``/``outputs``/``latches``."""
    p = Path(path)
    if not p.is_file():
        raise InputError("AIGER file does not exist", path=str(p))
    header = validate_aiger(p)
    with open(p, "rb") as fh:
        ascii_format = fh.read(3) == b"aag"
    net = _read_network(p, header, ascii_format)
    t = net.to_graph_tensors(levels=True, fanouts=True)
    fanin_to_node = torch.from_dlpack(t["edge_index"]).to(torch.long)  # aigverse: fanin -> node
    inverted = torch.from_dlpack(t["edge_attr"]).to(torch.float32).reshape(-1, 1)
    attr = torch.from_dlpack(t["node_attr"]).to(torch.float32)  # [type, level, fanout]
    n = attr.shape[0]
    inv = torch.zeros(n, dtype=torch.float32)
    inv.index_add_(0, fanin_to_node[1], inverted[:, 0])
    level = attr[:, 1]
    max_level = float(level.max()) if n else 0.0
    x = torch.stack([attr[:, 0], inv, level / max_level if max_level > 0 else level, torch.log1p(attr[:, 2])], dim=1)
    edge_index = fanin_to_node.flip(0).contiguous()  # node -> fanin
    return Data(
        x=x, edge_index=edge_index, edge_attr=inverted, num_nodes=n,
        name=p.stem, aig_sha256=aiger_content_sha256(p),
        ands=header.ands, inputs=header.inputs, outputs=header.outputs, latches=header.latches,
    )


class AigDataset(InMemoryDataset):
    """AIGER files as an in-memory PyG dataset (``processed/data.pt`` under ``root``; rebuilt when the
    list of files or their contents change, since the processed file name carries their hash)."""

    def __init__(self, root: str | os.PathLike, aig_paths: Sequence[str | os.PathLike], transform=None):
        self.aig_paths = [Path(a).resolve() for a in aig_paths]
        h = hashlib.sha256()
        for a in self.aig_paths:
            h.update(aiger_content_sha256(a).encode())
        h.update(str(FEATURE_SPEC).encode())
        self._tag = h.hexdigest()[:12]
        super().__init__(str(root), transform)
        self.load(self.processed_paths[0])

    @property
    def raw_file_names(self) -> list[str]:
        return [str(a) for a in self.aig_paths]

    @property
    def processed_file_names(self) -> list[str]:
        return [f"aigs-{self._tag}.pt"]

    def download(self) -> None:  # the files are given; nothing is downloaded
        missing = [a for a in self.aig_paths if not a.exists()]
        if missing:
            raise InputError("AIGER file does not exist", path=str(missing[0]))

    @property
    def raw_paths(self) -> list[str]:
        return [str(a) for a in self.aig_paths]

    def process(self) -> None:
        self.save([aig_to_data(a) for a in self.aig_paths], self.processed_paths[0])


def nodes_per_second(path: str | os.PathLike, repeats: int = 3) -> tuple[int, float]:
    """(nodes, nodes/s) of :func:`aig_to_data` on one file: the best of ``repeats`` runs."""
    import time

    best = float("inf")
    n = 0
    for _ in range(repeats):
        t = time.perf_counter()
        d = aig_to_data(path)
        best = min(best, time.perf_counter() - t)
        n = d.num_nodes
    return n, n / best if best > 0 else float("inf")


__all__ = ["FEATURES", "FEATURE_SPEC", "NODE_TYPES", "AigDataset", "aig_to_data", "nodes_per_second"]
