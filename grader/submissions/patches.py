"""Patches: small files that override definitions in a copy of a submission.

A patch file (used for mutants, correct variants and hostile cases) is Python source with a
header of comment lines:

    \"\"\"sigmoid_grad forgets the (1 - s) factor.\"\"\"
    # target: activations
    def sigmoid_grad(x):
        return sigmoid(x)

Applying it copies the base folder and appends the patch body to `<target>.py`, so its
definitions replace the originals in that module. `# target: new:<name>` writes a new module.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

_TARGET = re.compile(r"^#\s*target:\s*(\S+)\s*$", re.MULTILINE)


@dataclasses.dataclass(frozen=True)
class Patch:
    """A parsed patch file."""

    path: Path
    target: str
    description: str
    body: str

    @property
    def name(self) -> str:
        return self.path.stem


def load_patch(path: Path) -> Patch:
    """Read a patch file; ValueError if it has no `# target:` line."""
    text = path.read_text()
    match = _TARGET.search(text)
    if match is None:
        raise ValueError(f"{path}: a patch needs a '# target: <module>' line")
    docstring = re.match(r'\s*"""(.*?)"""', text, re.DOTALL)
    description = docstring.group(1).strip().splitlines()[0] if docstring else path.stem
    return Patch(path, match.group(1), description, text)


def apply_patch(patch: Patch, base: Path, out: Path) -> Path:
    """Copy `base` to `out` and apply `patch` there; returns `out`."""
    shutil.copytree(base, out, ignore=shutil.ignore_patterns("__pycache__"))
    if patch.target.startswith("new:"):
        (out / f"{patch.target.removeprefix('new:')}.py").write_text(patch.body)
        return out
    module = out / f"{patch.target}.py"
    if not module.is_file():
        raise ValueError(f"{patch.path}: target module {patch.target}.py is not in {base}")
    module.write_text(module.read_text() + "\n\n# ---- patched ----\n" + patch.body)
    return out
