"""The contract between stubs and reference: the same public names with the same signatures."""

from __future__ import annotations

import importlib.util
import inspect
import sys
import types
from pathlib import Path
from typing import Any

from grader.units import UNITS


def load_package(folder: Path, alias: str) -> types.ModuleType:
    """Import the package in `folder` under the name `alias` (trusted course code only)."""
    spec = importlib.util.spec_from_file_location(
        alias, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"{folder} is not a package")
    package = importlib.util.module_from_spec(spec)
    sys.modules[alias] = package
    spec.loader.exec_module(package)
    return package


def public_api(module: types.ModuleType) -> dict[str, str]:
    """Name -> signature text for what the module itself defines (functions, classes, methods)."""
    api: dict[str, str] = {}
    for name, value in vars(module).items():
        if name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        if inspect.isfunction(value) or inspect.isclass(value):
            if value.__module__ != module.__name__:
                continue  # imported from elsewhere (numpy, typing, a sibling module)
            api[name] = _signature(value)
            if inspect.isclass(value):
                api.update(_methods(name, value))
        elif not callable(value):
            api[name] = f"constant {type(value).__name__}"
    return api


def _methods(class_name: str, cls: type) -> dict[str, str]:
    return {
        f"{class_name}.{name}": _signature(member)
        for name, member in vars(cls).items()
        if inspect.isfunction(member) and (not name.startswith("_") or name == "__init__")
    }


def _signature(obj: Any) -> str:
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(signature unavailable)"


def compare(exercises: Path, solutions: Path) -> list[str]:
    """Differences between the two packages' public APIs, one line each; empty if they agree."""
    problems = []
    for unit in UNITS:
        stub_file, ref_file = exercises / f"{unit}.py", solutions / f"{unit}.py"
        if not (stub_file.is_file() and ref_file.is_file()):
            where = "exercises" if ref_file.is_file() else "solutions"
            problems.append(f"{unit}.py: missing from {where}")
            continue
        stubs = public_api(_load_module(exercises, unit, "_contract_exercises"))
        reference = public_api(_load_module(solutions, unit, "_contract_solutions"))
        for name in sorted(set(stubs) | set(reference)):
            if name not in stubs:
                problems.append(f"{unit}.{name}: in solutions, not in exercises")
            elif name not in reference:
                problems.append(f"{unit}.{name}: in exercises, not in solutions")
            elif stubs[name] != reference[name]:
                problems.append(
                    f"{unit}.{name}: exercises {stubs[name]} vs solutions {reference[name]}"
                )
    return problems


def _load_module(folder: Path, unit: str, alias: str) -> types.ModuleType:
    package = sys.modules.get(alias)
    if package is None or Path(package.__path__[0]) != folder.resolve():
        for name in [n for n in sys.modules if n == alias or n.startswith(f"{alias}.")]:
            del sys.modules[name]
        load_package(folder.resolve(), alias)
    return importlib.import_module(f"{alias}.{unit}")
