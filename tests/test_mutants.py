"""Every known mistake loses points in its unit; every correct variant keeps full marks."""

from __future__ import annotations

import numpy as np
import pytest

from grader.course.check import Job, Outcome, check_mutants, grade_job, patch_jobs
from grader.submissions.patches import apply_patch, load_patch
from grader.suites import closed_forms as cf
from grader.suites.checks import (
    CheckFailed,
    check_gradient,
    check_loss_value,
    diagnose,
    value_cause,
)
from grader.units import UNIT_POINTS
from tests.grading import (
    MUTANTS,
    REPO,
    SOLUTIONS,
    VARIANTS,
    failures,
    grade,
    grade_patched,
    score_of,
)


def test_the_catalogs_cover_every_unit():
    units_with_mutants = {path.parent.name for path in MUTANTS}
    assert units_with_mutants == set(UNIT_POINTS), "every unit needs mutants"
    for unit in UNIT_POINTS:
        assert sum(p.parent.name == unit for p in MUTANTS) >= 3, f"{unit}: fewer than 3 mutants"


@pytest.mark.slow
@pytest.mark.parametrize("path", MUTANTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_mutant_loses_points_in_its_unit(path, tmp_path):
    unit = path.parent.name
    run = grade_patched(SOLUTIONS, path, tmp_path, units=[unit])
    assert score_of(run.results) < UNIT_POINTS[unit] - 1e-9, (
        f"not caught: {load_patch(path).description}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_correct_variant_keeps_full_marks(path, tmp_path):
    unit = path.parent.name
    run = grade_patched(SOLUTIONS, path, tmp_path, units=[unit])
    assert score_of(run.results) == pytest.approx(UNIT_POINTS[unit]), failures(run.results)


# ---------------------------------------------------------------- the do-nothing family

DO_NOTHING = [path for path in MUTANTS if path.stem.startswith("do_nothing")]
DO_NOTHING_MAX_POINTS = 2.0


def test_every_unit_has_a_do_nothing_mutant():
    assert {path.parent.name for path in DO_NOTHING if path.stem == "do_nothing"} == set(
        UNIT_POINTS
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", DO_NOTHING, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_do_nothing_earns_at_most_two_points_in_its_unit(path, tmp_path):
    run = grade_patched(SOLUTIONS, path, tmp_path, units=[path.parent.name])
    assert score_of(run.results) <= DO_NOTHING_MAX_POINTS, failures(run.results)


@pytest.mark.slow
def test_a_submission_that_does_nothing_earns_at_most_two_points_in_all(tmp_path):
    folder = SOLUTIONS
    for index, path in enumerate(p for p in DO_NOTHING if p.stem == "do_nothing"):
        folder = apply_patch(load_patch(path), folder, tmp_path / f"step{index}")
    run = grade(folder)
    passed = [f"{r.id}: {r.points:g}" for r in run.results if r.points > 0]
    assert score_of(run.results) <= DO_NOTHING_MAX_POINTS, passed


# ---------------------------------------------------------------- grade check's verdicts


def outcome(label: str, unit: str, tests, patch: str | None = None) -> Outcome:
    job = Job(label, SOLUTIONS, None if patch is None else SOLUTIONS / patch, [unit])
    return Outcome(job, tests)


def test_check_counts_a_mutant_that_does_not_import_as_not_caught():
    broken = "your code raised SyntaxError: importing gates.py failed: gates.py, line 9"
    tests = [("gates::a", "gates", "error", 0.0, 5.0, broken)] * 2
    result = check_mutants([outcome("mutant gates/broken (x)", "gates", tests)])
    assert not result.passed
    assert any("does not import" in line and "gates/broken" in line for line in result.details)


def test_check_fails_a_do_nothing_mutant_that_earns_more_than_two_points():
    tests = [
        ("gates::a", "gates", "passed", 3.0, 3.0, ""),
        ("gates::b", "gates", "failed", 0, 7, ""),
    ]
    result = check_mutants([outcome("m", "gates", tests, "gates/do_nothing.py")])
    assert any("do-nothing earns 3 > 2 points" in line for line in result.details)


def test_check_reports_a_patch_without_target_as_a_fail_line(tmp_path):
    patch = tmp_path / "gates" / "no_target.py"
    patch.parent.mkdir()
    patch.write_text('"""Forgot its target line."""\n\ndef AND(x1, x2):\n    return 0\n')
    jobs = patch_jobs(tmp_path, SOLUTIONS, "mutant")
    assert [job.label for job in jobs] == ["mutant gates/no_target"]
    found = grade_job(jobs[0], blas_threads=1)
    assert found.error.startswith("malformed patch:") and "# target:" in found.error
    result = check_mutants([found])
    assert not result.passed and "malformed patch" in result.details[0]


# ------------------------------------------------------ feedback that points the right way


def test_a_ratio_near_one_is_not_called_a_factor_of_one():
    expected = np.linspace(0.5, 2.0, 12).reshape(3, 4)
    cause = diagnose(expected * 0.999997, expected)
    assert "factor of 1" not in cause and "3e-06" in cause


def test_a_few_wrong_entries_are_a_kink_only_where_there_are_kinks():
    expected = np.linspace(0.5, 2.0, 20)
    got = expected.copy()
    got[3] = 7.0
    assert "kink" not in diagnose(got, expected)
    assert "kink" in diagnose(got, expected, kinks=True)


def test_a_summed_loss_gets_a_cause():
    assert "summed over the batch instead of averaged" in value_cause(8.0, 2.0, batch_size=4)


def test_a_gradient_consistent_with_a_wrong_forward_says_so():
    wrong = np.array([1.0, 2.0, 3.0])
    with pytest.raises(CheckFailed, match="your backward matches your forward, but your forward"):
        check_gradient(wrong, np.array([1.0, 1.0, 1.0]), "g", own=lambda: wrong)


FEEDBACK = [  # (mutant, test id prefix, must contain, must not contain)
    ("layers/mul_backward_not_swapped", "layers::test_apple_and_orange_example", "multiply node",
     "add node"),
    ("layers/softmax_loss_backward_ignores_n", "layers::test_softmax_with_loss",
     "divide by the batch size N", "upstream"),
    ("activations/tanh_grad_missing_square", "activations::test_derivative[tanh]", "tanh_grad",
     "kink"),
    ("gradcheck/forward_difference", "gradcheck::test_numerical_gradient_of_known_functions",
     "is wrong", "does not match the numerical gradient"),
    ("losses/cross_entropy_sums_over_batch", "losses::test_cross_entropy[",
     "summed over the batch instead of averaged", "np."),
    ("activations/softmax_over_whole_array", "activations::test_softmax_values_and_sums",
     "whole array", "np."),
    ("mlp/relu_on_output_scores", "mlp::test_mlp_gradient[relu]",
     "your backward matches your forward, but your forward is wrong", "params"),
    ("mlp/relu_on_output_scores", "mlp::test_mlp_predict_and_loss",
     "no activation after the last Affine", "params"),
    ("layers/softmax_loss_backward_ignores_dout",
     "layers::test_softmax_with_loss_backward_scales_by_dout", "ignores dout", "factor"),
    ("mlp/xavier_book_normal", "mlp::test_init_weights_statistics[xavier]",
     "the book's chapter-6 'Xavier'", "np."),
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(("mutant", "test", "present", "absent"), FEEDBACK, ids=lambda v: str(v))
def test_feedback_names_the_real_cause(mutant, test, present, absent, tmp_path):
    path = REPO / "tests" / "mutants" / f"{mutant}.py"
    run = grade_patched(SOLUTIONS, path, tmp_path, units=[path.parent.name])
    messages = [r.message for r in run.results if r.id.startswith(test) and r.status != "passed"]
    assert messages, failures(run.results)
    for message in messages:
        assert present in message and absent not in message, message


# ---------------------------------------------------------------- tolerances, on many draws


def textbook_softmax_with_loss(logits, labels):
    """The book's SoftmaxWithLoss, in numpy: log(y + 1e-7) forward, (y - onehot) / N backward."""
    y = np.exp(logits - logits.max(axis=1, keepdims=True))
    y /= y.sum(axis=1, keepdims=True)
    rows = np.arange(len(labels))
    loss = -np.sum(np.log(y[rows, labels] + 1e-7)) / len(labels)
    dx = y.copy()
    dx[rows, labels] -= 1
    return loss, dx / len(labels)


def test_the_textbook_loss_and_backward_pass_on_200_random_draws():
    """The suites' loss interval and gradient tolerance accept the book's forms whatever the seed
    (not only the suite's own draw), and still reject a summed loss or a larger offset."""
    rng = np.random.default_rng(2024)
    for _ in range(200):
        n, classes = int(rng.integers(1, 9)), int(rng.integers(2, 11))
        logits = rng.normal(size=(n, classes)) * rng.uniform(0.5, 8)
        labels = rng.integers(0, classes, size=n)
        loss, dx = textbook_softmax_with_loss(logits, labels)
        exact = -np.mean(cf.log_softmax(logits)[np.arange(n), labels])
        shifted = -np.mean(np.log(cf.softmax(logits)[np.arange(n), labels] + 1e-7))
        check_loss_value(loss, exact, shifted, "textbook loss")
        check_gradient(dx, (cf.softmax(logits) - cf.one_hot(labels, classes)) / n, "dx")
        if n > 1 and exact > 1e-3:
            with pytest.raises(CheckFailed, match="summed over the batch"):
                check_loss_value(loss * n, exact, shifted, "summed", batch_size=n)
        p = cf.softmax(logits)[np.arange(n), labels]
        if np.mean(np.log(p + 1e-2) - np.log(p)) > 1e-3:
            with pytest.raises(CheckFailed):
                check_loss_value(-np.mean(np.log(p + 1e-2)), exact, shifted, "EPS = 1e-2")
