"""Chrysalis expertise engine: who knows what, expert search and question routing.

Pure Python (NumPy/SciPy); never imports Django or chrysalis. Callers hand in plain
dataclasses (`Evidence`, `Query`) and get plain dataclasses back (`ExpertHit`, `Profile`).
"""

from expertise.index import ExpertiseIndex
from expertise.ranking import ExpertRanker, RankerModel
from expertise.types import Evidence, ExpertHit, Profile, Query, TopicStrength

__all__ = ["Evidence", "ExpertHit", "ExpertiseIndex", "ExpertRanker", "Profile", "Query",
           "RankerModel", "TopicStrength"]
