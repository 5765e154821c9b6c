"""`edaflow index add|query|list|rm`: the design index that sets the agent's trust (α) and warm starts."""

from __future__ import annotations

import json

import click


def _idx_opt(f):
    return click.option("--index", "index_path", type=click.Path(dir_okay=False),
                        help="Index file [default: $EDAFLOW_INDEX or ~/.local/share/edaflow/index.json, "
                             "else the bundled one for reading].")(f)


def _ckpt_opt(f):
    return click.option("--checkpoint", type=click.Path(dir_okay=False),
                        help="Agent checkpoint [default: the bundled one].")(f)


@click.group()
def index():
    """The design index: past designs' embeddings with their best recipes (FAISS, cosine)."""


@index.command("add")
@click.argument("target", type=click.Path())
@click.option("--name", help="Entry name [default: the design's top / the file's stem].")
@click.option("--recipe", help="Best-known recipe (steps separated by ';'); default: the run's best.")
@_idx_opt
@_ckpt_opt
def add_cmd(target, name, recipe, index_path, checkpoint):
    """Add an `edaflow synth` output folder (or its report.json), or an .aig file, to the index."""
    from retrieval.remember import add_to_index

    entry, changed, path = add_to_index(target, name=name, recipe=recipe, index_path=index_path,
                                        checkpoint=checkpoint)
    click.echo(f"{'added' if changed else 'kept the better existing entry for'} {entry.name} "
               f"({entry.best_recipe or 'no recipe'}) in {path}")


@index.command("query")
@click.argument("aig", type=click.Path(dir_okay=False))
@click.option("-k", default=5, show_default=True, type=int, help="Neighbours to show.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@_idx_opt
@_ckpt_opt
def query_cmd(aig, k, as_json, index_path, checkpoint):
    """The nearest indexed designs to an AIGER file, their distance δ and the resulting α."""
    from retrieval import DesignIndex
    from synth.agent import Agent
    from synth.search.abcrl import alpha_from_distance

    agent = Agent.load(checkpoint)
    idx = DesignIndex.load(index_path)
    idx.check_model(agent.meta.get("model_id", ""))
    nbs = idx.query(agent.index_vector(agent.embed_file(aig)), k=k)
    alpha = alpha_from_distance(nbs[0].distance, agent.temperature, agent.threshold) if nbs else 0.0
    if as_json:
        click.echo(json.dumps({"alpha": alpha, "neighbours": [n.__dict__ for n in nbs]}, indent=2))
        return
    click.echo(f"alpha {alpha:.3f} (T {agent.temperature:.4g}, delta_th {agent.threshold:.4g}); index {idx.path}")
    for n in nbs:
        click.echo(f"  {n.distance:9.5f}  {n.name:20s} {n.best_recipe}")


@index.command("list")
@_idx_opt
def list_cmd(index_path):
    """Every entry of the index."""
    from retrieval import DesignIndex

    idx = DesignIndex.load(index_path)
    click.echo(f"{len(idx)} designs in {idx.path}")
    for e in idx.entries:
        adp = e.best_qor.get("adp")
        click.echo(f"  {e.name:20s} {e.aig_sha256[:12]}  {e.source:10s} ADP {f'{adp:,.2f}' if adp is not None else '-'}  "
                   f"{e.best_recipe}")


@index.command("rm")
@click.argument("name")
@_idx_opt
def rm_cmd(name, index_path):
    """Remove the entries called NAME."""
    from edaflow.errors import InputError
    from retrieval.remember import open_team_index

    idx = open_team_index(index_path)
    n = idx.remove(name)
    if not n:
        raise InputError(f"no entry called {name!r} in the index", path=str(idx.path))
    idx.save()
    click.echo(f"removed {n} entr{'y' if n == 1 else 'ies'} called {name} from {idx.path}")
