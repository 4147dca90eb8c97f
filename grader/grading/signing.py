"""Signed reports: an HMAC-SHA256 over a report's content, with a key the worker never sees.

The key lives in a file (default ~/.config/backprop-lab/signing.key, or $BACKPROP_LAB_KEY, or
--key), created on first use with mode 0600. Under bubblewrap its folder is hidden from the
worker; with limits only, a submission could read it (see the README's isolation table).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from grader.grading import report
from grader.sandbox import process

KEY_ENV = "BACKPROP_LAB_KEY"
ALGORITHM = "hmac-sha256"
NOT_REPORTS = {"summary.yaml", "batch.yaml"}  # what grade batch writes beside the reports


def key_path(path: str | os.PathLike[str] | None = None) -> Path:
    """Where the signing key is: the argument, else $BACKPROP_LAB_KEY, else the user's config."""
    default = Path.home() / ".config" / "backprop-lab" / "signing.key"
    return Path(path or os.environ.get(KEY_ENV) or default)


def load_key(path: str | os.PathLike[str] | None = None, *, create: bool = False) -> bytes:
    """The key's bytes; with create=True a new random key is made if there is none.

    Creation is atomic: the key is written to a private temporary file that is then linked
    into place, so batches starting together agree on one key and never read a half-written one.
    """
    where = key_path(path)
    if not where.exists() and create:
        _create_key(where)
    try:
        key = where.read_text().strip().encode()
    except OSError as exc:
        raise ValueError(f"cannot read the signing key {where}: {exc.strerror}") from None
    if len(key) < 32:
        raise ValueError(f"the signing key {where} is too short (at least 32 characters)")
    return key


def _create_key(where: Path) -> None:
    """Write a new random key to `where` unless another process gets there first."""
    where.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=where.parent, prefix=".signing-key.")  # mode 0600
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(secrets.token_hex(32) + "\n")
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(FileExistsError):  # another batch made it: theirs is the key
            os.link(temporary, where)
    finally:
        os.unlink(temporary)


def key_id(key: bytes) -> str:
    """A short public fingerprint of the key (which key signed a report)."""
    return hashlib.sha256(key).hexdigest()[:16]


def _canonical(data: dict[str, Any]) -> bytes:
    """The report without its signature, as canonical JSON (formatting does not matter)."""
    content = {k: v for k, v in data.items() if k != "signature"}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode()


def sign(data: dict[str, Any], key: bytes) -> dict[str, Any]:
    """The report with a `signature` entry: HMAC-SHA256 of its canonical content."""
    mac = hmac.new(key, _canonical(data), hashlib.sha256).hexdigest()
    return {**data, "signature": {"algorithm": ALGORITHM, "key_id": key_id(key), "value": mac}}


# libyaml's safe loader where PyYAML has it: 10-20x faster than PyYAML's Python one on a whole
# course's report (a class's reports are read back at every batch)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """The data in YAML `text`, safe tags only (what dump_yaml's round trip is checked with)."""
    return yaml.load(text, Loader=_LOADER)


def dump_yaml(data: dict[str, Any]) -> str:
    """`data` as YAML that loads back to exactly `data`, so a signature survives the file.

    PyYAML writes some characters (U+0085 NEL among them) raw in a quoted scalar and reads
    them back as line breaks; where that happens every string is written double-quoted,
    where YAML escapes them (\\N, \\L, \\P).
    """
    text = report.yaml_text(data)
    if load_yaml(text) == data:
        return text
    return report.yaml_text(data, _QuotedStrings)


class _QuotedStrings(yaml.SafeDumper):
    """A safe dumper writing every string double-quoted (numbers and the rest as usual)."""


_QuotedStrings.add_representer(
    str, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
)


def verify(data: Any, key: bytes) -> str:
    """'ok', 'unsigned', 'other key' or 'tampered' for a loaded report."""
    signature = data.get("signature") if isinstance(data, dict) else None
    if not isinstance(signature, dict) or "value" not in signature:
        return "unsigned"
    if signature.get("key_id") != key_id(key):
        return "other key"
    expected = hmac.new(key, _canonical(data), hashlib.sha256).hexdigest()
    return "ok" if hmac.compare_digest(expected, str(signature["value"])) else "tampered"


def report_files(targets: list[Path]) -> list[Path]:
    """The report files named, or found in the folders named (and their reports/ folder)."""
    files: list[Path] = []
    for target in targets:
        if target.is_dir():
            files += sorted(target.glob("*.yaml")) + sorted(target.glob("reports/*.yaml"))
        else:
            files.append(target)
    return [f for f in files if f.name not in NOT_REPORTS]


def main(argv: list[str]) -> int:
    """Entry point of `grade verify`: 0 if every report is signed by the key and unchanged."""
    parser = argparse.ArgumentParser(
        prog="grade verify", description="Check the signatures of reports written by grade batch."
    )
    parser.add_argument("targets", type=Path, nargs="+", help="report files or batch folders")
    parser.add_argument("--key", type=Path, help=f"signing key file (default: ${KEY_ENV} or "
                        "~/.config/backprop-lab/signing.key)")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        key = load_key(args.key)
    except ValueError as exc:
        print(f"grade verify: {exc}", file=sys.stderr)
        return 2
    files = report_files(args.targets)
    if not files:
        print("grade verify: no reports found", file=sys.stderr)
        return 2
    bad = 0
    for path in files:
        try:
            verdict = verify(load_yaml(path.read_text()), key)
        except (OSError, yaml.YAMLError) as exc:
            verdict = f"unreadable ({type(exc).__name__})"
        bad += verdict != "ok"
        if verdict != "ok":
            print(f"FAIL  {path}: {verdict}")
    print(f"grade verify: {len(files) - bad} of {len(files)} reports signed and unchanged")
    return 0 if bad == 0 else 1


process.SECRET_FILES.append(key_path)  # the key in force: hidden from every worker
