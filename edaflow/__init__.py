"""edaflow: ML-guided EDA pipeline (learned logic synthesis, QoR regression, IPC prediction)."""

__version__ = "0.1.0"
