"""Design embeddings and FAISS nearest-neighbour retrieval (next stage)."""
