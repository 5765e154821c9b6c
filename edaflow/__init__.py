"""edaflow: ML-guided EDA pipeline (learned logic synthesis, QoR regression, IPC prediction)."""

__version__ = "0.1.0"


def __getattr__(name: str):
    # Lazy: `import edaflow` (the CLI) does not pay for torch unless the recommender is used.
    if name in ("RecipeRecommender", "Recommendation", "Suggestion"):
        from edaflow import recommender

        return getattr(recommender, name)
    raise AttributeError(f"module 'edaflow' has no attribute {name!r}")


__all__ = ["RecipeRecommender", "Recommendation", "Suggestion", "__version__"]
