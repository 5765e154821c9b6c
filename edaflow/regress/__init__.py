"""Nightly QoR regression: manifest -> synthesize (one process per design) -> results -> rules vs
baseline -> verdicts -> database, JUnit, JSON, Markdown, HTML.

Runs are deterministic for a seed, so QoR noise is zero by construction; runtime is noisy and is
therefore only a warning-level metric.
"""

EXIT_OK, EXIT_REGRESSION, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
