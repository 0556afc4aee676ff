"""A topic package's public names, imported from their modules when first used.

Importing any module of a package runs the package's ``__init__`` first. If a topic's
``__init__`` imported its models and figures, the first ``check()`` (which imports every
topic's ``exercises`` module) would import every topic's models, statsmodels among them;
and a model that uses another topic's model would import that topic's figures too. So a
topic's ``__init__`` lists its public names, and each name's module is imported on the
name's first use (PEP 562): ``from ketamine_course.pharmacokinetics import simulate``
imports the pharmacokinetics model and nothing else.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable


def lazy_exports(
    package: str, **names_by_module: Iterable[str]
) -> tuple[list[str], Callable[[str], object], Callable[[], list[str]]]:
    """``__all__``, ``__getattr__`` and ``__dir__`` for ``package``.

    Each keyword names a module of ``package`` and lists the public names it defines;
    for example ``lazy_exports(__name__, model=["simulate"], figures=["plot_routes"])``.
    """
    module_of = {name: module for module, names in names_by_module.items() for name in names}

    def __getattr__(name: str) -> object:
        if name not in module_of:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module_of[name]}"), name)

    def __dir__() -> list[str]:
        # What the package holds already (its modules once imported) and what it can import.
        return sorted({*vars(sys.modules[package]), *module_of})

    return list(module_of), __getattr__, __dir__
