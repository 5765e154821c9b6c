"""Design embeddings in a FAISS index: nearest past designs, their best recipes, the retrieval weight α."""

from retrieval.index import DesignIndex, IndexEntry, Neighbour, default_index_path

__all__ = ["DesignIndex", "IndexEntry", "Neighbour", "default_index_path"]
