"""Chrysalis: the enterprise social network that frees expertise trapped in departmental silos."""

__version__ = "0.1.0"
