"""Auto-checked exercises: one module per lesson, one shared core.

Introduced in notebook 00. ``from helpers.exercises import check_xxx`` gives every check;
``_core`` holds the machinery (cases, diagnosis, hint tiers), ``_compare`` the readable numbers,
``_inputs`` the copies and the in-place check, ``_guard`` the forbidden helpers.
"""

from ._core import CheckResult, reset_hints
from .lesson00 import check_dot, check_row_sums, check_shapes
from .lesson01 import check_most_attended, check_not_self, check_similarity
from .lesson02 import check_projection, check_query_rules, check_raw_scores
from .lesson03 import check_article_d_k, check_design_query, check_dot_variance, check_softmax
from .lesson04 import check_attention, check_masked_attention, check_masked_prediction, check_weighted_sum
from .lesson05 import check_head_parameters, check_merge_heads, check_multi_head, check_split_heads
from .lesson06 import check_longest_within, check_max_length, check_path_length, check_rnn
from .lesson07 import WHY_BROKEN, check_broken_coref, check_previous_token_head, check_top_head
from .lesson08 import WHY_POSITIONS, check_grad_W_Q, check_sgd_step, check_softmax_backward, check_why_positions
from .lesson09 import check_layer_norm, check_positional_encoding, check_self_attention_layer

__all__ = [name for name in dir() if name.startswith("check_")] + ["CheckResult", "reset_hints", "WHY_POSITIONS", "WHY_BROKEN"]
