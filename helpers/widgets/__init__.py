"""Live widgets of the course: thin ipywidgets wrappers over pure functions and HTML views.

One module per part of the course: ``basics`` (notebooks 01–04: SentenceExplorer,
QKVEditor, SoftmaxExplorer, MaskExplorer), ``heads`` (05–06: MultiHeadExplorer,
ReachExplorer) and ``models`` (07: CorefExplorer, ModelExplorer); all are importable from
``helpers.widgets``. Each class keeps its state in plain attributes (``tokens``, ``Q``,
``weights`` …) so tests set ``.value`` on a control and assert on that state without a
browser. Views are HTML strings (``helpers.views``): an update takes well under 5 ms.

Bad input never raises out of a widget: the widget shows a message in Chinese and keeps
its last good view.

Shape legend:
    n  number of tokens, d  vector length (3 in the Q/K/V editor, as in the article)
"""

from .basics import MaskExplorer, QKVEditor, SentenceExplorer, SoftmaxExplorer
from .heads import MultiHeadExplorer, ReachExplorer
from .models import CorefExplorer, ModelExplorer

__all__ = ["SentenceExplorer", "QKVEditor", "SoftmaxExplorer", "MaskExplorer",
           "MultiHeadExplorer", "ReachExplorer", "CorefExplorer", "ModelExplorer"]
