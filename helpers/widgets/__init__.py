"""Live widgets of the course: thin ipywidgets wrappers over pure functions and HTML views.

One module per concept, all importable from ``helpers.widgets``:

=================  =====================  =======
module             widget                 lesson
=================  =====================  =======
``sentence``       SentenceExplorer       01
``qkv_editor``     QKVEditor              02
``scaling``        ScalingExplorer        03
``scaling``        TemperatureExplorer    03
``masks``          MaskExplorer           04
``head_rules``     HeadRulesExplorer      05
``multihead``      MultiHeadExplorer      05
``compare``        ReachExplorer          06
``coref``          CorefExplorer          07
``pair``           SentencePairExplorer   07
``ablation``       HeadAblationExplorer   07
``model_view``     ModelExplorer          07
``training``       TrainingExplorer       08
``quiz``           QuizWidget             09
=================  =====================  =======

The last four of lessons 05–08 (HeadRulesExplorer, SentencePairExplorer, HeadAblationExplorer,
TrainingExplorer) are imported from their modules, as their notebooks do.

Each class keeps its state in plain attributes (``tokens``, ``Q``, ``weights`` …) so tests set
``.value`` on a control and assert on that state without a browser. Views are HTML strings
(``helpers.views``) in one ``W.HTML`` per widget: one reader action, one update (well under 5 ms);
the views' stylesheet sits once in a hidden ``W.HTML`` of its own (``_base._Widget.styles``).

Bad input never raises out of a widget: the widget shows a message in Chinese and keeps
its last good view.
"""

from .compare import ReachExplorer
from .coref import CorefExplorer
from .masks import MaskExplorer
from .model_view import ModelExplorer
from .multihead import MultiHeadExplorer
from .qkv_editor import QKVEditor
from .quiz import QuizWidget
from .scaling import ScalingExplorer, TemperatureExplorer
from .sentence import SentenceExplorer

__all__ = ["SentenceExplorer", "QKVEditor", "ScalingExplorer", "TemperatureExplorer", "MaskExplorer",
           "MultiHeadExplorer", "ReachExplorer", "CorefExplorer", "ModelExplorer",
           "QuizWidget"]
