"""exercises/ and solutions/ implement the same contract; every stub teaches and raises."""

from __future__ import annotations

import ast
import inspect

import numpy as np
import pytest

import exercises
from exercises import activations, gates, gradcheck, layers, losses, mlp, optim, train
from grader.course.contract import compare, public_api
from tests.grading import EXERCISES, SOLUTIONS

MODULES = {
    "gates": gates, "activations": activations, "losses": losses, "layers": layers,
    "gradcheck": gradcheck, "mlp": mlp, "optim": optim, "train": train,
}  # fmt: skip
_LAYERS = "MulLayer AddLayer Affine Relu Sigmoid Tanh LeakyRelu SoftmaxWithLoss Activation"
REQUIRED = {  # CONTRACT.md, plus the extras agreed on top of it (maxout_grad, Activation, ...)
    "gates": "perceptron AND NAND OR XOR train_perceptron",
    "activations": "step sign identity piecewise_linear sigmoid tanh relu leaky_relu prelu elu "
    "selu swish softplus maxout softmax softmax_jacobian prelu_alpha_grad "
    "SELU_LAMBDA SELU_ALPHA ACTIVATIONS",
    "losses": "mse mse_grad binary_cross_entropy binary_cross_entropy_grad cross_entropy "
    "softmax_cross_entropy softmax_cross_entropy_grad",
    "layers": " ".join(f"{c} {c}.__init__ {c}.forward {c}.backward" for c in _LAYERS.split()),
    "gradcheck": "numerical_gradient relative_error",
    "mlp": "init_weights MLP MLP.__init__ MLP.predict MLP.loss MLP.gradient "
    "MLP.numerical_gradient MLP.accuracy",
    "optim": "SGD Momentum Adam SGD.__init__ Momentum.__init__ Adam.__init__ "
    "SGD.update Momentum.update Adam.update",
    "train": "iterate_minibatches train fit_mnist",
}
WITH_GRAD = "step sign identity piecewise_linear sigmoid tanh relu leaky_relu prelu elu selu "
WITH_GRAD += "swish softplus maxout"  # every f here has an f_grad with the same parameters
IN_ACTIVATIONS = "step sign identity piecewise_linear sigmoid tanh relu leaky_relu elu selu "
IN_ACTIVATIONS += "swish softplus"  # the activations with no required extra parameter


def test_stubs_and_reference_have_the_same_api():
    assert compare(EXERCISES, SOLUTIONS) == []


@pytest.mark.parametrize("unit", list(REQUIRED))
def test_every_required_name_is_there(unit):
    api = public_api(MODULES[unit])
    names = REQUIRED[unit].split()
    if unit == "activations":
        names += [f"{n}_grad" for n in WITH_GRAD.split()]
    assert [n for n in names if n not in api] == []


def test_each_activation_and_its_grad_take_the_same_parameters():
    for name in WITH_GRAD.split():
        f, f_grad = getattr(activations, name), getattr(activations, f"{name}_grad")
        assert inspect.signature(f).parameters == inspect.signature(f_grad).parameters, name


def test_the_given_constants_and_the_activations_table():
    assert activations.SELU_LAMBDA == 1.0507009873554805
    assert activations.SELU_ALPHA == 1.6732632423543772
    assert list(activations.ACTIVATIONS) == IN_ACTIVATIONS.split()
    for name, pair in activations.ACTIVATIONS.items():
        assert pair == (getattr(activations, name), getattr(activations, f"{name}_grad")), name


# ---- every stub raises NotImplementedError with a hint, and nothing else ----------------------


def valid_arguments(unit: str, name: str) -> tuple:
    """Small valid arguments for a stub, so it is called as a student would call it."""
    x = np.array([[0.5, -1.0], [2.0, 0.0]])
    labels = np.array([0, 1])
    special = {
        "gates.perceptron": (np.array([1.0, 0.0]), np.array([0.5, 0.5]), -0.7),
        "gates.train_perceptron": (np.array([[0, 0], [1, 1]]), labels),
        "activations.prelu": (x, 0.1), "activations.prelu_grad": (x, 0.1),
        "activations.prelu_alpha_grad": (x, 0.1),
        "activations.maxout": (x, np.ones((2, 2, 3)), np.zeros((2, 3))),
        "activations.maxout_grad": (x, np.ones((2, 2, 3)), np.zeros((2, 3))),
        "losses.binary_cross_entropy": (np.array([0.2, 0.9]), np.array([0.0, 1.0])),
        "losses.binary_cross_entropy_grad": (np.array([0.2, 0.9]), np.array([0.0, 1.0])),
        "losses.cross_entropy": (np.array([[0.8, 0.2], [0.3, 0.7]]), labels),
        "losses.softmax_cross_entropy": (x, labels),
        "losses.softmax_cross_entropy_grad": (x, labels),
        "gradcheck.numerical_gradient": (lambda v: float(np.sum(v**2)), x.copy()),
        "gradcheck.relative_error": (x, x + 1e-3),
        "mlp.init_weights": (3, 2, "he", np.random.default_rng(0)),
        "train.iterate_minibatches": (x, labels, 1, 0),
        "train.train": (None, x, labels),
        "train.fit_mnist": (np.zeros((2, 784), np.float32), labels),
    }  # fmt: skip
    if f"{unit}.{name}" in special:
        return special[f"{unit}.{name}"]
    if unit == "gates":
        return (0, 1)  # AND, NAND, OR, XOR
    return (x, x) if unit == "losses" else (x,)  # mse, mse_grad; one-argument activations


def stub_functions():
    for unit, module in MODULES.items():
        for name, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == module.__name__:
                if not name.startswith("_"):
                    yield unit, name, value


@pytest.mark.parametrize(("unit", "name", "function"), list(stub_functions()),
                         ids=lambda v: v if isinstance(v, str) else "")  # fmt: skip
def test_every_stub_function_raises_a_hint(unit, name, function):
    keywords = {"epochs": 1, "batch_size": 1, "optimizer": None} if name == "train" else {}
    with pytest.raises(NotImplementedError, match=r".{10,}"):  # a hint, not an empty message
        result = function(*valid_arguments(unit, name), **keywords)
        if inspect.isgenerator(result):  # a generator stub raises on its first next()
            next(result)


METHOD_ARGUMENTS = {
    "MulLayer.forward": (1.0, 2.0), "AddLayer.forward": (1.0, 2.0),
    "SoftmaxWithLoss.forward": (np.ones((2, 3)), np.array([0, 1])),
    "SoftmaxWithLoss.backward": (),
}  # fmt: skip
CONSTRUCTORS = {
    "Affine": (np.ones((3, 2)), np.zeros(2)),
    "Activation": (activations.relu, activations.relu_grad),
}


@pytest.mark.parametrize("unit", ["layers", "optim"])
def test_every_stub_method_raises_a_hint(unit):
    for name, cls in vars(MODULES[unit]).items():
        if not inspect.isclass(cls) or cls.__module__ != MODULES[unit].__name__:
            continue
        instance = cls(*CONSTRUCTORS.get(name, ()))  # the scaffold __init__ is given
        methods = ("update",) if unit == "optim" else ("forward", "backward")
        for method in methods:
            default = (
                ({"w": np.ones(2)}, {"w": np.ones(2)}) if unit == "optim" else (np.ones((2, 3)),)
            )
            args = METHOD_ARGUMENTS.get(f"{name}.{method}", default)
            with pytest.raises(NotImplementedError, match=r".{10,}"):
                getattr(instance, method)(*args)


def test_the_mlp_stub_raises_when_built_and_when_used():
    x, t = np.ones((2, 3)), np.array([0, 1])
    with pytest.raises(NotImplementedError, match=r".{10,}"):
        mlp.MLP([3, 4, 2])
    unbuilt = object.__new__(mlp.MLP)  # building it is the student's work
    calls = {"predict": (x,), "loss": (x, t), "gradient": (x, t),
             "numerical_gradient": (x, t), "accuracy": (x, t)}  # fmt: skip
    for method, args in calls.items():
        with pytest.raises(NotImplementedError, match=r".{10,}"):
            getattr(unbuilt, method)(*args)


def stub_definitions():
    """(unit, qualified name, ast node) for every public function and method in exercises/."""
    for unit in MODULES:
        tree = ast.parse((EXERCISES / f"{unit}.py").read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                yield unit, node.name, node
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef):
                        yield unit, f"{node.name}.{item.name}", item


def _is_hint_raise(statement: ast.stmt) -> bool:
    """`raise NotImplementedError("<some text>")`."""
    call = getattr(statement, "exc", None)
    return (
        isinstance(statement, ast.Raise)
        and isinstance(call, ast.Call)
        and getattr(call.func, "id", None) == "NotImplementedError"
        and len(call.args) == 1
        and isinstance(call.args[0], ast.Constant)
        and bool(str(call.args[0].value).strip())
    )


@pytest.mark.parametrize(("unit", "name", "node"), list(stub_definitions()),
                         ids=lambda v: v if isinstance(v, str) else "")  # fmt: skip
def test_every_stub_is_a_docstring_and_a_raise(unit, name, node):
    docstring = ast.get_docstring(node)
    body = node.body[1:] if docstring else node.body
    if name.endswith(".__init__") and name != "MLP.__init__":
        # Scaffold: it may only store arguments and set attributes to None / empty containers.
        allowed = (ast.Assign, ast.AnnAssign, ast.Pass)
        assert all(isinstance(s, allowed) for s in body), f"{unit}.{name} does more than store"
        assert not any(isinstance(n, ast.Call) for s in body for n in ast.walk(s)), name
        return
    assert docstring, f"{unit}.{name} needs a docstring (the formula and a hint)"
    assert len(body) == 1 and _is_hint_raise(body[0]), f"{unit}.{name}: only raise the hint"


def test_every_stub_class_and_module_has_a_docstring():
    assert exercises.__doc__ and "gates" in exercises.__doc__  # the order to work through
    for unit, module in MODULES.items():
        assert module.__doc__ and len(module.__doc__) > 100, f"{unit}: describe the unit"
        for name, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == module.__name__:
                assert inspect.getdoc(value), f"{unit}.{name} needs a docstring"


def test_exercises_never_import_solutions():
    for path in sorted(EXERCISES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""] + [alias.name for alias in node.names]
            else:
                continue
            assert not any("solutions" in m.split(".") for m in modules), f"{path.name}: {modules}"
