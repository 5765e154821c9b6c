"""The recipe agent's network: GNN design encoder, learned recipe-so-far encoder, trunk, policy and value heads.

* Design encoder: node type embedded (4 types -> 8), concatenated with the other node features of
  :data:`synth.graph.FEATURES`, two GCN layers (-> 32 -> 32), mean and max readout -> a 64-d
  design embedding (ABC-RL's encoder, plus level and fanout features).
* Recipe-so-far encoder (ABC-RL used a frozen BERT; we learn a small one, no downloads): the steps
  as tokens (one per action plus a start token), embedded (32) and read by a one-layer GRU (64).
* Trunk: [design 64 | recipe 64 | steps-left 1] -> 256 -> 256 (ReLU); policy head -> one logit per
  action of the action set (softmax); value head -> tanh (the reward still reachable, in [-1, 1]).

The design embedding depends only on the input AIG, so a search computes it once
(:meth:`RecipeNet.embed`) and runs only the small head per tree node (:meth:`RecipeNet.heads`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch_geometric.nn import GCNConv, global_max_pool, global_mean_pool

from synth.graph import FEATURES, NODE_TYPES


@dataclass(frozen=True)
class ModelConfig:
    n_actions: int
    recipe_length: int = 10
    type_dim: int = 8
    gcn_dim: int = 32
    token_dim: int = 32
    recipe_dim: int = 64
    trunk_dim: int = 256

    def to_dict(self) -> dict:
        return asdict(self)


class DesignEncoder(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.type_emb = nn.Embedding(len(NODE_TYPES), cfg.type_dim)
        in_dim = cfg.type_dim + len(FEATURES) - 1
        self.conv1 = GCNConv(in_dim, cfg.gcn_dim)
        self.conv2 = GCNConv(cfg.gcn_dim, cfg.gcn_dim)
        self.out_dim = 2 * cfg.gcn_dim

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, batch: torch.Tensor | None = None) -> torch.Tensor:
        if batch is None:
            batch = torch.zeros(x.shape[0], dtype=torch.long, device=x.device)
        h = torch.cat([self.type_emb(x[:, 0].long()), x[:, 1:]], dim=1)
        h = torch.relu(self.conv1(h, edge_index))
        h = torch.relu(self.conv2(h, edge_index))
        return torch.cat([global_mean_pool(h, batch), global_max_pool(h, batch)], dim=1)


class RecipeEncoder(nn.Module):
    """Recipe-so-far -> vector: token 0 is the start token, action i is token i + 1."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.emb = nn.Embedding(cfg.n_actions + 1, cfg.token_dim)
        self.gru = nn.GRU(cfg.token_dim, cfg.recipe_dim, batch_first=True)

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """``tokens``: (B, T) padded with anything after ``lengths`` (each >= 1: the start token)."""
        out, _ = self.gru(self.emb(tokens))
        idx = (lengths - 1).clamp(min=0).view(-1, 1, 1).expand(-1, 1, out.shape[2])
        return out.gather(1, idx).squeeze(1)


class RecipeNet(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.design = DesignEncoder(cfg)
        self.recipe = RecipeEncoder(cfg)
        self.trunk = nn.Sequential(
            nn.Linear(self.design.out_dim + cfg.recipe_dim + 1, cfg.trunk_dim), nn.ReLU(),
            nn.Linear(cfg.trunk_dim, cfg.trunk_dim), nn.ReLU(),
        )
        self.policy = nn.Linear(cfg.trunk_dim, cfg.n_actions)
        self.value = nn.Linear(cfg.trunk_dim, 1)

    def embed(self, x, edge_index, batch=None) -> torch.Tensor:
        """Design embedding(s), (B, 64)."""
        return self.design(x, edge_index, batch)

    def heads(self, emb: torch.Tensor, prefixes: list[tuple[int, ...]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Policy logits (B, A) and values (B,) for recipe prefixes (action indices) of designs whose
        embeddings are the rows of ``emb`` (one row broadcast to all prefixes, or one per prefix)."""
        tokens, lengths = encode_prefixes(prefixes, self.cfg.recipe_length, emb.device)
        r = self.recipe(tokens, lengths)
        if emb.shape[0] == 1 and len(prefixes) > 1:
            emb = emb.expand(len(prefixes), -1)
        left = torch.tensor([(self.cfg.recipe_length - len(p)) / self.cfg.recipe_length for p in prefixes],
                            dtype=torch.float32, device=emb.device).view(-1, 1)
        h = self.trunk(torch.cat([emb, r, left], dim=1))
        return self.policy(h), torch.tanh(self.value(h)).squeeze(1)


def encode_prefixes(prefixes: list[tuple[int, ...]], recipe_length: int, device=None) -> tuple[torch.Tensor, torch.Tensor]:
    """Token tensor (B, recipe_length + 1) and lengths (B,) for action-index prefixes."""
    width = recipe_length + 1
    tokens = torch.zeros(len(prefixes), width, dtype=torch.long)
    lengths = torch.empty(len(prefixes), dtype=torch.long)
    for i, p in enumerate(prefixes):
        p = tuple(p)[:recipe_length]
        if p:
            tokens[i, 1:1 + len(p)] = torch.tensor(p, dtype=torch.long) + 1
        lengths[i] = 1 + len(p)
    return tokens.to(device), lengths.to(device)


def set_threads(n: int | None) -> None:
    """Training and inference use one thread by default (the machine is shared); ``EDAFLOW_TORCH_THREADS``
    or an explicit ``n`` overrides it."""
    import os

    if n is None:
        n = int(os.environ.get("EDAFLOW_TORCH_THREADS", "1"))
    if n > 0 and torch.get_num_threads() != n:
        torch.set_num_threads(n)
