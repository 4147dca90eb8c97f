"""Shared fixtures for the project's own tests."""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import configuration, settings

from grader.grading import plugin
from grader.sandbox import process as sandbox

# No example database: Hypothesis would otherwise write .hypothesis/ into the working directory.
settings.register_profile("backprop-lab-tests", database=None)
settings.load_profile("backprop-lab-tests")

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"


def bubblewrap_missing() -> str | None:
    """Why bubblewrap tests cannot run here, or None: they run (and fail where bubblewrap is
    missing) when BACKPROP_LAB_REQUIRE_BWRAP=1, as CI sets it."""
    if os.environ.get("BACKPROP_LAB_REQUIRE_BWRAP") == "1":
        return None
    return sandbox.bubblewrap_problem()


#: Marks a test that needs bubblewrap: skipped, with the reason, where it cannot run.
needs_bubblewrap = [
    pytest.mark.bubblewrap,
    pytest.mark.skipif(
        bubblewrap_missing() is not None,
        reason=f"needs bubblewrap: {bubblewrap_missing()} (BACKPROP_LAB_REQUIRE_BWRAP=1 to fail)",
    ),
]


needs_landlock = pytest.mark.skipif(
    sandbox.landlock_problem() is not None, reason=f"needs Landlock: {sandbox.landlock_problem()}"
)


def sandbox_level() -> str | None:
    """The strongest working sandbox here (bubblewrap, else Landlock), or None: a hostile case
    runs only inside one, never under limits-only, where it could write wherever it can."""
    if bubblewrap_missing() is None:
        return sandbox.BUBBLEWRAP
    return sandbox.LANDLOCK if sandbox.landlock_problem() is None else None


#: Marks a test that runs hostile code: skipped, with the reason, where no sandbox works.
needs_a_sandbox = pytest.mark.skipif(
    sandbox_level() is None,
    reason=f"needs a sandbox: no bubblewrap ({bubblewrap_missing()}) and no Landlock "
    f"({sandbox.landlock_problem()})",
)


def isolation_levels() -> list:
    """Every level; bubblewrap and Landlock skip with the reason where they cannot run."""
    return [
        pytest.param(sandbox.BUBBLEWRAP, marks=needs_bubblewrap),
        pytest.param(sandbox.LANDLOCK, marks=needs_landlock),
        sandbox.LIMITS_ONLY,
    ]


@pytest.fixture(params=isolation_levels())
def isolation(request: pytest.FixtureRequest) -> str:
    """Each isolation level (the bubblewrap one skipped where it cannot run)."""
    return request.param


@pytest.fixture
def make_submission(tmp_path: Path):
    """Write a submission folder from {module name: source} and return its path."""

    def make(modules: dict[str, str], name: str = "submission") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for module, source in modules.items():
            (folder / f"{module}.py").write_text(textwrap.dedent(source))
        return folder

    return make


# ---- hygiene: nothing the tests do lands in the working directory or the user's home -----------
# HOME and the XDG folders point to one temporary home for the whole session: set when pytest
# starts (matplotlib reads MPLCONFIGDIR once, at its first use), removed when it ends. Subprocesses
# (the `grade` console script, batch pools) inherit it.
_HOME_VARIABLES = ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "MPLCONFIGDIR", "BACKPROP_LAB_DATA")
_saved_environment: dict[str, str | None] = {}


def pytest_configure(config: pytest.Config) -> None:
    home = Path(tempfile.mkdtemp(prefix="backprop-lab-tests-home-"))
    config.stash[_TEST_HOME] = home
    folders = {
        "HOME": home, "XDG_CONFIG_HOME": home / ".config", "XDG_CACHE_HOME": home / ".cache",
        "MPLCONFIGDIR": home / ".config" / "matplotlib",
        "BACKPROP_LAB_DATA": home / ".cache" / "backprop-lab",
    }  # fmt: skip
    for name in _HOME_VARIABLES:
        _saved_environment[name] = os.environ.get(name)
        folders[name].mkdir(parents=True, exist_ok=True)
        os.environ[name] = str(folders[name])
    configuration.set_hypothesis_home_dir(home / ".hypothesis")  # its caches, not ./.hypothesis


def pytest_unconfigure(config: pytest.Config) -> None:
    for name, value in _saved_environment.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    home = config.stash.get(_TEST_HOME, None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)


_TEST_HOME = pytest.StashKey[Path]()


@pytest.fixture(autouse=True)
def _each_test_in_its_own_folder(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test runs in its tmp_path (so `grade-report.yaml` and the like land there), and
    `grade batch` signs with a key in the session's temporary folder, not ~/.config."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BACKPROP_LAB_KEY", str(tmp_path_factory.getbasetemp() / "signing.key"))


@pytest.fixture(scope="session", autouse=True)
def _batch_isolation_where_bubblewrap_is_missing() -> Iterator[None]:
    """Where bubblewrap is missing (and not required), `grade batch` and `grade check` are told
    to grade with limits only, as an instructor would have to say explicitly (they refuse
    otherwise); session-wide, so module-scoped fixtures that grade a class get it too."""
    with pytest.MonkeyPatch.context() as patch:
        if bubblewrap_missing() is not None:
            patch.setenv(sandbox.ISOLATION_ENV, sandbox.LIMITS_ONLY)
        else:
            patch.delenv(sandbox.ISOLATION_ENV, raising=False)
        yield


# ---- `-m "not slow"` skips every test that grades with the suites -------------------------------
@pytest.fixture(autouse=True)
def _grading_needs_the_slow_marker(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """A test not marked `slow` that grades a submission with the suites (in this process)
    fails, naming the marker it lacks: so the marker cannot silently go missing."""
    if request.node.get_closest_marker("slow") is not None:
        return

    class Unmarked(plugin.GradingPlugin):
        def __init__(self, *args, **kwargs) -> None:
            raise AssertionError(
                f"{request.node.nodeid} grades a submission with the suites: "
                "mark it @pytest.mark.slow"
            )

    monkeypatch.setattr(plugin, "GradingPlugin", Unmarked)
