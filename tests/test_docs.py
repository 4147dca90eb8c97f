"""What the README and the cluster examples promise, checked against the code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CLUSTER = REPO / "docs" / "cluster"


def test_readme_never_states_a_wrong_catalog_size():
    readme = (REPO / "README.md").read_text()
    for catalog in ("variants", "mutants"):
        size = len(list((REPO / "tests" / catalog).glob("*/*.py")))
        for stated in re.findall(rf"PASS  {catalog}\s+(\d+)/(\d+)", readme):
            assert stated == (str(size), str(size)), f"README says {catalog} {stated}"


def test_grade_help_lists_every_command():
    shown = subprocess.run([sys.executable, "-m", "grader.cli", "--help"], capture_output=True,
                           text=True, check=True).stdout  # fmt: skip
    for command in ("batch", "merge", "verify", "check", "make-notebooks", "release", "pack"):
        assert f"grade {command}" in shown


def test_kubernetes_job_shares_one_key_and_writes_the_shard_count_once():
    text = (CLUSTER / "kubernetes-indexed-job.yaml").read_text()
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    job = yaml.safe_load(body.replace("${SHARDS}", "8"))
    assert job["spec"]["completions"] == job["spec"]["parallelism"] == 8
    assert "8" not in re.sub(r"[^\n]*(memory|cpu)[^\n]*", "", body.split("args:")[1])
    pod = job["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert "pip install" not in body
    assert {"name": "BACKPROP_LAB_KEY", "value": "/etc/backprop-lab/signing.key"} in container[
        "env"
    ]
    assert any(v.get("secret") for v in pod["volumes"])
    assert container["securityContext"]["seccompProfile"] == {"type": "Unconfined"}
    assert "--isolation limits-only" in text and "ReadWriteMany" in text


def test_slurm_array_uses_a_key_made_before_it():
    text = (CLUSTER / "slurm-array.sh").read_text()
    script = [line for line in text.splitlines() if not line.startswith("#")]
    assert any("BACKPROP_LAB_KEY" in line for line in script)
    assert not any("pip install" in line or "token_hex" in line for line in script)
    assert "afterany" in text and "--allow-incomplete" in text
