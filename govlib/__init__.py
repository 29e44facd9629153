"""govlib: party-building-led community governance (党建引领社区治理), taught from data.

A small library behind the course notebooks.  ``import govlib`` is light:
pandas, seaborn and statsmodels load only when a function needs them.

The four names most notebooks need are available at the top level::

    import govlib
    govlib.setup()                      # CJK font, theme, reproducible figures
    govlib.figure("qz-list-published-enforced").text
    govlib.cite("qz-list-published-enforced")
    govlib.load_framework("pujiang")
"""

from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "setup": ("govlib.lesson", "setup"),
    "set_description": ("govlib.lesson", "set_description"),
    "figure": ("govlib.data", "figure"),
    "cite": ("govlib.data", "cite"),
    "load_register": ("govlib.data", "load_register"),
    "load_framework": ("govlib.data", "load_framework"),
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(mod), attr)
    raise AttributeError(f"module 'govlib' has no attribute {name!r}")
