"""Widget of notebook 05: switch each hand-built head's query rules on and off (HeadRulesExplorer).

Introduced in notebook 05. Two heads share the keys and values of notebook 02; each head's
W_Q is built from the query rules that are switched on. Putting all four rules in head 0
gives back notebook 02's single head; splitting them gives "who does it" and "to whom".
The reader watches both heads' weights, the concatenation and the output after W_O.

Shape legend:
    n  words, d  named features (9), d_k = d_v = 3 coordinates per head, h = 2 heads
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import views
from ..attention import scaled_dot_product_attention
from ..coref import decide
from ..text import readable_matrix
from ..toy import QK_COORDS
from ._base import _Widget

__all__ = ["QUERY_RULES_OFFERED", "two_heads", "HeadRulesExplorer"]

# The four query rules of notebook 02, as (word feature, coordinate it looks for).
QUERY_RULES_OFFERED = (("施事", "动作"), ("受事", "动作"), ("动作", "施事"), ("动作", "受事"))
_RULE_LABELS = {("施事", "动作"): "施事找动作", ("受事", "动作"): "受事找动作",
                ("动作", "施事"): "动作找施事", ("动作", "受事"): "动作找受事"}
PRESETS = {
    "split": ({("施事", "动作"), ("动作", "施事")}, {("受事", "动作"), ("动作", "受事")}),
    "one": (set(QUERY_RULES_OFFERED), set()),
    "same": (set(QUERY_RULES_OFFERED), set(QUERY_RULES_OFFERED)),
}


def two_heads(X, rules, W_K, W_V, W_O, *, strength: float = 3.0) -> dict:
    """Two hand-built heads whose queries follow the given rules; concatenate, multiply by W_O.

    Introduced in notebook 05.

    Parameters
    ----------
    X : array_like, shape (n, d)
    rules : pair of collections of (feature, coordinate)
        The query rules switched on in head 0 and in head 1 (each from QUERY_RULES_OFFERED);
        a head with no rule has a zero query and spreads its weights evenly.
    W_K : array_like, shape (d, 3)
    W_V : array_like, shape (d, d_v)
    W_O : array_like, shape (2 d_v, d_o)
    strength : float
        The weight of every rule switched on (notebook 02 uses 3.0).

    Returns
    -------
    dict with weights (2, n, n), heads (2, n, d_v), concat (n, 2 d_v), output (n, d_o)
    """
    X, W_K, W_V, W_O = (np.asarray(a, dtype=float) for a in (X, W_K, W_V, W_O))
    if len(rules) != 2:
        raise ValueError(f"rules 应是两个头的规则（两个集合），收到 {len(rules)} 个。 (rules must hold two heads.)")
    for head, chosen in enumerate(rules):
        unknown = [r for r in chosen if tuple(r) not in QUERY_RULES_OFFERED]
        if unknown:
            raise ValueError(f"头 {head} 的规则 {unknown} 不在可选的规则 {list(QUERY_RULES_OFFERED)} 里。 "
                             "(unknown query rule.)")
    if W_O.shape[0] != 2 * W_V.shape[1]:
        raise ValueError(f"W_O 应有 2·d_v = {2 * W_V.shape[1]} 行，收到形状 {W_O.shape}。 (W_O must have 2·d_v rows.)")
    weights, heads = [], []
    for chosen in rules:
        W_Q = readable_matrix({tuple(r): strength for r in chosen}, d_out=QK_COORDS)  # (d, 3)
        out, w = scaled_dot_product_attention(X @ W_Q, X @ W_K, X @ W_V)  # (n, d_v), (n, n)
        weights.append(w)
        heads.append(out)
    concat = np.concatenate(heads, axis=-1)  # 2 × (n, d_v) -> (n, 2 d_v)
    return {"weights": np.stack(weights), "heads": np.stack(heads), "concat": concat,
            "output": concat @ W_O}  # (n, 2 d_v) @ (2 d_v, d_o) -> (n, d_o)


class HeadRulesExplorer(_Widget):
    """Tick the query rules of head 0 and head 1; watch each head's weights and the merged output.

    Introduced in notebook 05.

    Parameters
    ----------
    tokens : list of str, length n
    X : array_like, shape (n, d)
    W_K, W_V, W_O : array_like
        As in `two_heads`.
    concat_names : sequence of str, length 2 d_v
    out_names : sequence of str, length d_o
    word : str
        The word whose row the summary reads (吃 in the lesson).

    Attributes
    ----------
    rules : tuple of two sets
    result : dict
        The last `two_heads` result.
    """

    def __init__(self, tokens, X, W_K, W_V, W_O, *, concat_names, out_names, word: str = "吃"):
        self.tokens = [str(t) for t in tokens]
        if word not in self.tokens:
            raise ValueError(f"word {word!r} 不在句子 {self.tokens} 里。 (word must be one of the tokens.)")
        self.word = word
        self.X, self.W_K, self.W_V, self.W_O = (np.array(a, dtype=float) for a in (X, W_K, W_V, W_O))
        self.concat_names, self.out_names = list(concat_names), list(out_names)
        self.rules = tuple(set(s) for s in PRESETS["split"])
        self.result: dict = {}
        self.boxes = [[W.Checkbox(value=r in self.rules[h], description=_RULE_LABELS[r], indent=False,
                                  layout=W.Layout(width="120px")) for r in QUERY_RULES_OFFERED] for h in range(2)]
        for h in range(2):
            for r, box in zip(QUERY_RULES_OFFERED, self.boxes[h]):
                box.observe(self._box_callback(h, r), "value")
        self.preset = W.ToggleButtons(options=[("两个头各管一种关系", "split"), ("全放进头 0（= 第 02 课的一个头）", "one"),
                                               ("两个头一模一样", "same")], value="split", description="预设",
                                      style={"button_width": "230px"})
        self.preset.observe(lambda c: self._guard(self.apply_preset, c["new"]), "value")
        self.view = W.HTML()
        self.recompute()
        rows = [W.HBox([W.Label(f"头 {h} 的查询规则：", layout=W.Layout(width="130px")), *self.boxes[h]])
                for h in range(2)]
        self.widget = W.VBox([self.preset, *rows, self.view])

    def _box_callback(self, h: int, rule):
        def callback(change):
            if self.syncing:
                return
            (self.rules[h].add if change["new"] else self.rules[h].discard)(rule)
            self._guard(self.recompute)
        return callback

    def apply_preset(self, name: str) -> None:
        """Switch the rules to one of PRESETS and tick the boxes to match."""
        if name not in PRESETS:
            raise ValueError(f"预设应是 {list(PRESETS)} 之一，收到 {name!r}。")
        self.rules = tuple(set(s) for s in PRESETS[name])
        with self._syncing():
            for h in range(2):
                for r, box in zip(QUERY_RULES_OFFERED, self.boxes[h]):
                    box.value = r in self.rules[h]
        self.recompute()

    def set_rule(self, head: int, rule, on: bool) -> None:
        """Switch one rule of one head on or off (what a checkbox does)."""
        if head not in (0, 1):
            raise ValueError(f"head 应是 0 或 1，收到 {head!r}。")
        self.boxes[head][QUERY_RULES_OFFERED.index(tuple(rule))].value = bool(on)

    def recompute(self) -> None:
        """Run both heads with the current rules and redraw."""
        r = two_heads(self.X, self.rules, self.W_K, self.W_V, self.W_O)
        self.result = r
        t, i = self.tokens, self.tokens.index(self.word)
        heads = '<div style="display:flex;flex-wrap:wrap">' + "".join(
            views.heatmap_html(r["weights"][h], t, t, highlight_row=i,
                               caption=f"头 {h}：" + ("、".join(_RULE_LABELS[x] for x in QUERY_RULES_OFFERED
                                                              if x in self.rules[h]) or "没有规则（查询为 0，平均分配）"))
            for h in range(2)) + "</div>"
        output = (
            '<div style="display:flex;flex-wrap:wrap">'
            + "<div><b>拼接 Concat(头 0, 头 1)</b>" + views.table_html(r["concat"], t, self.concat_names) + "</div>"
            + "<div><b>乘 W_O 之后</b>" + views.table_html(r["output"], t, self.out_names) + "</div></div>")
        w = r["weights"][:, i]  # (2, n): the word's row in each head
        said = []
        for h in range(2):
            answer, _ = decide(w[h], t, margin=0.1)
            top = "、".join(f"{t[j]} {w[h, j]:.3f}" for j in np.argsort(-w[h], kind="stable")[:2])
            said.append(f"头 {h}：“{self.word}”最关注“{answer}”（{top}）" if answer is not None
                        else f"头 {h}：“{self.word}”没有明显最关注的词（{top}）")
        self._show(heads + output, "；".join(said), "info")
