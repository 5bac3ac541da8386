"""exemplar: a static publicity site generator for exemplar stories."""

__version__ = "0.1.0"
