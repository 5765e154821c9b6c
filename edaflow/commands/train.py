"""`edaflow train`: train the recipe agent on the manifest's training designs (resumable)."""

from __future__ import annotations

import click

from edaflow.manifest import DEFAULT_MANIFEST


@click.command()
@click.option("--manifest", default=str(DEFAULT_MANIFEST), show_default=True, type=click.Path(dir_okay=False),
              help="Design manifest.")
@click.option("--split", default="train", show_default=True, type=click.Choice(["train", "test"]),
              help="Which designs of the manifest to train on.")
@click.option("--designs", default="", help="Comma-separated design names (default: every design of the split).")
@click.option("--max-ands", default=3000, show_default=True, type=int,
              help="Leave out designs with more AND nodes than this (per the manifest).")
@click.option("--init", "init", type=click.Path(dir_okay=False),
              help="Start from this checkpoint (fine-tune the bundled model on your own designs).")
@click.option("--device", default="cpu", show_default=True, type=click.Choice(["cpu", "cuda"]),
              help="Where the network is fitted (the searches run ABC on the CPU).")
@click.option("--actions", default="strong", show_default=True, help="Action set the policy head covers (the bundled model: strong; the synth default is strong-sop).")
@click.option("--iterations", default=3, show_default=True, type=int, help="Search-then-fit rounds.")
@click.option("--sims", default=64, show_default=True, type=int, help="ABC evaluations per design search.")
@click.option("--steps", default=200, show_default=True, type=int, help="Mini-batches per fit.")
@click.option("--seed", default=0, show_default=True, type=int, help="Random seed.")
@click.option("--threads", default=1, show_default=True, type=int, help="torch threads (the machine is shared).")
@click.option("--workdir", default="edaflow_train", show_default=True, type=click.Path(file_okay=False),
              help="Work folder: result cache, replay buffer, progress; rerun the same command to resume.")
@click.option("-o", "--out", type=click.Path(dir_okay=False), help="Checkpoint to write [default: WORKDIR/agent.pt].")
@click.option("--index-out", type=click.Path(dir_okay=False),
              help="Design index of the training designs to write [default: WORKDIR/index.json].")
def train(manifest, split, designs, max_ands, init, device, actions, iterations, sims, steps, seed, threads,
          workdir, out, index_out):
    """Train the ABC-RL agent: PUCT searches with ABC in the loop, AlphaZero-style targets, replay buffer.

    Writes the checkpoint, an index of the training designs with their best recipes, and
    train_log.csv / train_log.jsonl (losses and rewards). Interrupted? Run the same command again.
    """
    from edaflow.errors import InputError
    from synth.actions import action_set
    from synth.agent.training import TrainConfig, Trainer, command_line

    if device == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise InputError("--device cuda: no CUDA device is available to torch")
    if iterations <= 0 or sims <= 0 or steps <= 0:
        raise InputError("--iterations, --sims and --steps must be positive")
    action_set(actions)
    cfg = TrainConfig(
        manifest=manifest, split=split, designs=[d.strip() for d in designs.split(",") if d.strip()],
        max_ands=max_ands, actions=actions, iterations=iterations, sims=sims, steps=steps, seed=seed,
        init=init, device=device, threads=threads, workdir=workdir, out=out, index_out=index_out,
        command=command_line(),
    )
    Trainer(cfg, say=lambda m: click.echo(m, err=True)).run()
