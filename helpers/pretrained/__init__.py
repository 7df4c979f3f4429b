"""A real pretrained Transformer, all-MiniLM-L6-v2, run in numpy with the course's own attention.

Introduced in notebook 07. Four modules, one hop each from the notebook:
    weights      where the weights come from and the sha256 check against data/model_pin.json
    model        the forward pass (`MiniLM.run`, `.attentions`, `.sentence_embedding`), `load_model`
    precomputed  the offline fallback: attention precomputed for `CURATED_SENTENCES`, and notebook 07's
                 costly analyses of the tired sentence (`load_analysis`)
    contributions  norm-based contributions (Kobayashi et al. 2020)

    from helpers.pretrained import load_model
    tokens, weights = load_model().attentions(text)   # weights: (layers, heads, n, n)
"""

from .contributions import layer_contributions, norm_contributions
from .model import Config, Forward, MiniLM, gelu, layer_norm, linear, load_model
from .precomputed import (
    ANALYSIS_KEYS,
    CURATED_SENTENCES,
    LIVE_MODE_HINT,
    PRECOMPUTED,
    PrecomputedModel,
    load_analysis,
    load_model_or_precomputed,
)
from .weights import (
    ENV_VAR,
    HF_REPO_DIR,
    INSTALL_HINT,
    MODEL_REQUIREMENT,
    MODEL_SHA256,
    MODEL_SIZE,
    PACKAGE,
    REQUIRED_FILES,
    ModelFileCorrupted,
    ModelNotAvailable,
    find_weights,
    verify_weights,
)

__all__ = [
    "MODEL_REQUIREMENT", "MODEL_SHA256", "MODEL_SIZE", "INSTALL_HINT", "ENV_VAR", "PACKAGE", "HF_REPO_DIR",
    "REQUIRED_FILES", "ModelNotAvailable", "ModelFileCorrupted", "find_weights", "verify_weights",
    "Config", "Forward", "MiniLM", "load_model", "gelu", "layer_norm", "linear",
    "CURATED_SENTENCES", "LIVE_MODE_HINT", "PRECOMPUTED", "PrecomputedModel", "load_model_or_precomputed",
    "ANALYSIS_KEYS", "load_analysis", "norm_contributions", "layer_contributions",
]
