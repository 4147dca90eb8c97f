"""exercises/ and solutions/ implement the same contract; every stub teaches and raises."""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

import exercises
from exercises import activations, gates, gradcheck, layers, losses, mlp, optim, train
from grader.contract import compare, public_api
from tests.grading import EXERCISES, SOLUTIONS

MODULES = {
    "gates": gates, "activations": activations, "losses": losses, "layers": layers,
    "gradcheck": gradcheck, "mlp": mlp, "optim": optim, "train": train,
}  # fmt: skip
REQUIRED = {  # from CONTRACT.md
    "gates": "perceptron AND NAND OR XOR train_perceptron",
    "activations": "step sign identity piecewise_linear sigmoid tanh relu leaky_relu prelu "
    "prelu_alpha_grad elu selu swish softplus softmax softmax_jacobian maxout ACTIVATIONS",
    "losses": "mse mse_grad binary_cross_entropy binary_cross_entropy_grad cross_entropy "
    "softmax_cross_entropy softmax_cross_entropy_grad",
    "layers": "MulLayer AddLayer Affine Relu Sigmoid Tanh LeakyRelu SoftmaxWithLoss",
    "gradcheck": "numerical_gradient relative_error",
    "mlp": "init_weights MLP MLP.predict MLP.loss MLP.gradient MLP.numerical_gradient MLP.accuracy",
    "optim": "SGD Momentum Adam SGD.update Momentum.update Adam.update",
    "train": "iterate_minibatches train fit_mnist",
}


def test_stubs_and_reference_have_the_same_api():
    assert compare(EXERCISES, SOLUTIONS) == []


@pytest.mark.parametrize("unit", list(REQUIRED))
def test_every_required_name_is_there(unit):
    api = public_api(MODULES[unit])
    names = REQUIRED[unit].split()
    if unit == "activations":
        names += [f"{n}_grad" for n in names if n not in ("prelu_alpha_grad", "softmax",
                  "softmax_jacobian", "maxout", "ACTIVATIONS")]  # fmt: skip
    assert [n for n in names if n not in api] == []


def valid_arguments(unit: str, name: str) -> tuple:
    """Small valid arguments for a stub, so it is called as a student would call it."""
    x = np.array([[0.5, -1.0], [2.0, 0.0]])
    rng = np.random.default_rng(0)
    special = {
        "gates.perceptron": (np.array([1.0, 0.0]), np.array([0.5, 0.5]), -0.7),
        "gates.train_perceptron": (np.array([[0, 0], [1, 1]]), np.array([0, 1])),
        "activations.prelu": (x, 0.1), "activations.prelu_grad": (x, 0.1),
        "activations.prelu_alpha_grad": (x, 0.1),
        "activations.maxout": (x, np.ones((2, 2, 3)), np.zeros((2, 3))),
        "activations.maxout_grad": (x, np.ones((2, 2, 3)), np.zeros((2, 3))),
        "gradcheck.numerical_gradient": (lambda v: float(np.sum(v)), x.copy()),
        "mlp.init_weights": (3, 2, "he", rng),
        "train.iterate_minibatches": (x, np.array([0, 1]), 1, 0),
        "train.train": (None, x, np.array([0, 1])),
        "train.fit_mnist": (np.zeros((2, 784), np.float32), np.array([0, 1])),
    }  # fmt: skip
    key = f"{unit}.{name}"
    if key in special:
        return special[key]
    if unit == "gates":
        return (0, 1)
    return (
        (x, x)
        if unit in ("losses", "gradcheck") and name != "cross_entropy"
        else ((x, np.array([0, 1])) if unit == "losses" else (x,))
    )


def stub_functions():
    for unit, module in MODULES.items():
        for name, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == module.__name__:
                if not name.startswith("_"):
                    yield unit, name, value


@pytest.mark.parametrize(("unit", "name", "function"), list(stub_functions()),
                         ids=lambda v: v if isinstance(v, str) else "")  # fmt: skip
def test_every_stub_function_raises_a_hint_and_carries_a_formula(unit, name, function):
    assert inspect.getdoc(function), f"{unit}.{name} needs a docstring"
    with pytest.raises(NotImplementedError) as info:
        keywords = {"epochs": 1, "batch_size": 1, "optimizer": None} if name == "train" else {}
        result = function(*valid_arguments(unit, name), **keywords)
        if inspect.isgenerator(result):
            next(result)
    assert len(str(info.value)) > 10, f"{unit}.{name}: the hint is missing"


METHODS = {
    "layers": {"forward": (np.ones((2, 3)),), "backward": (np.ones((2, 3)),)},
    "optim": {"update": ({"w": np.ones(2)}, {"w": np.ones(2)})},
}
CONSTRUCTORS = {
    "Affine": (np.ones((3, 2)), np.zeros(2)),
    "Activation": (activations.relu, activations.relu_grad),
}


@pytest.mark.parametrize("unit", ["layers", "optim"])
def test_every_stub_method_raises(unit):
    for name, cls in vars(MODULES[unit]).items():
        if not inspect.isclass(cls) or cls.__module__ != MODULES[unit].__name__:
            continue
        instance = cls(*CONSTRUCTORS.get(name, ()))
        for method, args in METHODS[unit].items():
            if name in ("MulLayer", "AddLayer") and method == "forward":
                args = (1.0, 2.0)
            if name == "SoftmaxWithLoss" and method == "forward":
                args = (np.ones((2, 3)), np.array([0, 1]))
            assert inspect.getdoc(getattr(cls, method)), f"{name}.{method} needs a docstring"
            with pytest.raises(NotImplementedError, match=r".{10,}"):
                getattr(instance, method)(*args)


def test_mlp_stub_raises_when_built():
    with pytest.raises(NotImplementedError):
        mlp.MLP([2, 3, 2])


def test_exercises_never_import_solutions():
    for path in EXERCISES.glob("*.py"):
        assert not re.search(r"^\s*(from|import)\s+solutions", path.read_text(), re.MULTILINE)
    assert exercises.__doc__ and "gates" in exercises.__doc__
