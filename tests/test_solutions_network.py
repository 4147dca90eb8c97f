"""The reference gates, layers, gradient check, MLP, optimisers and training loop."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from grader.suites import closed_forms as cf
from solutions import activations, gates, gradcheck, layers, mlp, optim, train

H = 1e-6  # float64 central differences: error ≈ 1e-10, far below the 1e-6 tolerances used here
INPUTS = list(itertools.product((0, 1), repeat=2))
TABLES = {
    "AND": [0, 0, 0, 1],
    "NAND": [1, 1, 1, 0],
    "OR": [0, 1, 1, 1],
    "XOR": [0, 1, 1, 0],
}


def central(f, x):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x, dtype=float)
        step[i] = H
        grad[i] = (f(x + step) - f(x - step)) / (2 * H)
    return grad


@pytest.mark.parametrize("name", list(TABLES))
def test_gate_truth_tables(name):
    got = [getattr(gates, name)(x1, x2) for x1, x2 in INPUTS]
    assert got == TABLES[name] and all(type(v) is int for v in got)


@pytest.mark.parametrize("name", ["AND", "NAND", "OR"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_perceptron_rule_learns_linear_gates(name, seed):
    w, b, converged = gates.train_perceptron(np.array(INPUTS), np.array(TABLES[name]), seed=seed)
    assert converged and w.dtype == np.float64 and isinstance(b, float)
    assert [gates.perceptron(x, w, b) for x in INPUTS] == TABLES[name]


def test_perceptron_rule_fails_on_xor():
    for seed in range(5):
        _, _, converged = gates.train_perceptron(
            np.array(INPUTS), np.array(TABLES["XOR"]), seed=seed
        )
        assert not converged


def test_apple_example():
    mul_apple, mul_tax = layers.MulLayer(), layers.MulLayer()
    price = mul_tax.forward(mul_apple.forward(100, 2), 1.1)
    d_apple_price, d_tax = mul_tax.backward(1)
    d_apple, d_count = mul_apple.backward(d_apple_price)
    assert price == pytest.approx(220)
    assert (d_apple, d_count, d_tax) == pytest.approx((2.2, 110, 200))


def test_apple_and_orange_example():
    mul_apple, mul_orange, mul_tax, add = (
        layers.MulLayer(),
        layers.MulLayer(),
        layers.MulLayer(),
        layers.AddLayer(),
    )
    total = add.forward(mul_apple.forward(100, 2), mul_orange.forward(150, 3))
    price = mul_tax.forward(total, 1.1)
    d_total, d_tax = mul_tax.backward(1)
    d_apples, d_oranges = add.backward(d_total)
    d_apple, d_apple_count = mul_apple.backward(d_apples)
    d_orange, d_orange_count = mul_orange.backward(d_oranges)
    assert price == pytest.approx(715)
    assert (d_apple, d_apple_count, d_orange, d_orange_count, d_tax) == pytest.approx(
        (2.2, 110, 3.3, 165, 650)
    )


@pytest.mark.parametrize("shape", [(4, 6), (4, 2, 3)])
def test_affine_backward_matches_central_differences(shape):
    rng = np.random.default_rng(0)
    x, W, b = rng.normal(size=shape), rng.normal(size=(6, 3)), rng.normal(size=3)
    dout = rng.normal(size=(4, 3))
    layer = layers.Affine(W, b)
    np.testing.assert_allclose(layer.forward(x), x.reshape(4, 6) @ W + b)
    dx = layer.backward(dout)
    assert dx.shape == shape

    def loss(xp=x, Wp=W, bp=b):
        return float(np.sum(layers.Affine(Wp, bp).forward(xp) * dout))

    np.testing.assert_allclose(dx, central(lambda v: loss(xp=v), x), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(layer.dW, central(lambda v: loss(Wp=v), W), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(layer.db, central(lambda v: loss(bp=v), b), rtol=1e-6, atol=1e-8)


ELEMENTWISE = {
    "Relu": (layers.Relu, "relu"),
    "Sigmoid": (layers.Sigmoid, "sigmoid"),
    "Tanh": (layers.Tanh, "tanh"),
    "LeakyRelu": (layers.LeakyRelu, "leaky_relu"),
    "Activation(elu)": (lambda: layers.Activation(activations.elu, activations.elu_grad), "elu"),
}


@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_activation_layers(name):
    make, closed = ELEMENTWISE[name]
    rng = np.random.default_rng(1)
    x = rng.uniform(-3, 3, size=(3, 4))
    x[np.abs(x) < 0.01] = 0.5  # away from the kink at 0
    dout = rng.normal(size=(3, 4))
    layer = make()
    np.testing.assert_allclose(layer.forward(x), cf.ACTIVATIONS[closed][0](x))
    numeric = central(lambda v: float(np.sum(make().forward(v) * dout)), x)
    np.testing.assert_allclose(layer.backward(dout), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("one_hot", [False, True])
def test_softmax_with_loss(one_hot):
    rng = np.random.default_rng(2)
    x, labels = rng.normal(size=(5, 4)), np.array([0, 1, 3, 3, 2])
    t = cf.one_hot(labels, 4) if one_hot else labels
    layer = layers.SoftmaxWithLoss()
    loss = layer.forward(x, t)
    assert loss == pytest.approx(-np.mean(cf.log_softmax(x)[np.arange(5), labels]))
    numeric = central(lambda v: layers.SoftmaxWithLoss().forward(v, t), x)
    np.testing.assert_allclose(layer.backward(), numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(layer.backward(2.0), 2 * numeric, rtol=1e-6, atol=1e-8)


def test_layers_keep_float32():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 5)).astype(np.float32)
    W, b = rng.normal(size=(5, 3)).astype(np.float32), np.zeros(3, np.float32)
    affine, relu, loss = layers.Affine(W, b), layers.Relu(), layers.SoftmaxWithLoss()
    loss.forward(relu.forward(affine.forward(x)), np.array([0, 1, 2, 0]))
    dx = affine.backward(relu.backward(loss.backward()))
    assert dx.dtype == np.float32 and affine.dW.dtype == np.float32


@pytest.mark.parametrize("shape", [(6,), (3, 4), (2, 3, 2)])
def test_numerical_gradient_restores_x_and_is_accurate(shape):
    x = np.random.default_rng(4).uniform(-2, 2, size=shape)
    before = x.copy()
    grad = gradcheck.numerical_gradient(lambda v: float(np.sum(np.sin(v) + v**3 / 3)), x)
    assert np.array_equal(x, before)  # bitwise: each x[i] was put back from a saved copy
    np.testing.assert_allclose(grad, np.cos(x) + x**2, rtol=1e-7)  # h = 1e-4: O(h²) error


def test_relative_error():
    assert gradcheck.relative_error([1.0, 2.0], [1.0, 3.0]) == pytest.approx(0.2)
    assert gradcheck.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert gradcheck.relative_error([1e-10], [0.0]) == pytest.approx(0.01)


@pytest.mark.parametrize(
    ("method", "std"),
    [
        ("xavier", np.sqrt(6 / 700) / np.sqrt(3)),
        ("he", np.sqrt(2 / 400)),
        ("normal", 0.01),
    ],
)
def test_init_weights_statistics(method, std):
    W = mlp.init_weights(400, 300, method, np.random.default_rng(5))
    assert W.shape == (400, 300) and W.dtype == np.float64
    # 120,000 draws: the sample std is within ~0.5% of the true one (1σ); 3% is > 5σ
    assert W.std() == pytest.approx(std, rel=0.03)
    assert abs(W.mean()) < 5 * std / np.sqrt(W.size)
    if method == "xavier":
        assert np.abs(W).max() <= np.sqrt(6 / 700)


def test_init_weights_rejects_unknown_methods():
    with pytest.raises(ValueError, match="xavier, he, normal"):
        mlp.init_weights(2, 2, "uniform", np.random.default_rng(0))


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "elu", "swish"])
def test_mlp_gradient_matches_numerical(activation):
    rng = np.random.default_rng(6)
    x, t = rng.normal(size=(6, 4)), np.array([0, 1, 2, 2, 1, 0])
    model = mlp.MLP([4, 5, 5, 3], activation=activation, seed=0)
    grads, numeric = model.gradient(x, t), model.numerical_gradient(x, t)
    assert set(grads) == set(model.params) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    for key in grads:
        assert gradcheck.relative_error(grads[key], numeric[key]) < 1e-6, key


def test_mlp_layers_share_params_and_seed_fixes_weights():
    model = mlp.MLP([4, 3, 2], seed=1)
    x = np.ones((1, 4))
    model.params["W1"][...] = 0
    model.params["b1"][...] = 1  # hidden = relu(1) = 1 everywhere
    np.testing.assert_allclose(model.predict(x), np.ones((1, 3)) @ model.params["W2"])
    assert np.array_equal(
        mlp.MLP([4, 3, 2], seed=2).params["W1"], mlp.MLP([4, 3, 2], seed=2).params["W1"]
    )
    assert mlp.MLP([4, 3, 2], dtype="float32").predict(x.astype(np.float32)).dtype == np.float32


def quadratic_steps(optimizer, steps=100):
    params = {"p": np.array([3.0, -2.0])}
    array = params["p"]
    scale = np.array([1.0, 10.0])
    for _ in range(steps):
        optimizer.update(params, {"p": 2 * scale * params["p"]})
    assert params["p"] is array  # updated in place
    return float(np.sum(scale * params["p"] ** 2))


def test_optimizer_steps_by_hand():
    params, grads = {"w": np.array([1.0, -2.0])}, {"w": np.array([0.5, 0.5])}
    optim.SGD(lr=0.1).update(params, grads)
    np.testing.assert_allclose(params["w"], [0.95, -2.05])
    momentum, params = optim.Momentum(lr=0.1, momentum=0.9), {"w": np.array([1.0])}
    momentum.update(params, {"w": np.array([1.0])})
    momentum.update(params, {"w": np.array([1.0])})
    np.testing.assert_allclose(params["w"], [1.0 - 0.1 - (0.09 + 0.1)])
    adam, params = optim.Adam(lr=0.01), {"w": np.zeros(2)}
    adam.update(params, {"w": np.array([1e-2, -1e2])})
    np.testing.assert_allclose(params["w"], [-0.01, 0.01], rtol=1e-5)


@pytest.mark.parametrize(
    "optimizer",
    [optim.SGD(lr=0.05), optim.Momentum(lr=0.01), optim.Adam(lr=0.1)],
    ids=["SGD", "Momentum", "Adam"],
)
def test_optimizers_descend_a_quadratic(optimizer):
    assert quadratic_steps(optimizer) < 0.05 * 49.0


def test_minibatches_cover_each_sample_once():
    X, y = np.arange(23)[:, None] * 1.0, np.arange(23)
    batches = list(train.iterate_minibatches(X, y, 5, 0))
    assert [len(yb) for _, yb in batches] == [5, 5, 5, 5, 3]
    order = np.concatenate([yb for _, yb in batches])
    assert sorted(order) == list(range(23)) and list(order) != list(range(23))
    assert all(np.array_equal(xb[:, 0], yb) for xb, yb in batches)
    again = np.concatenate([yb for _, yb in train.iterate_minibatches(X, y, 5, 0)])
    assert np.array_equal(order, again)


def test_train_history_and_learning():
    rng = np.random.default_rng(7)
    labels = np.arange(90) % 3
    x = np.array([[0, 3], [3, -2], [-3, -2]])[labels] + rng.normal(scale=0.5, size=(90, 2))
    model = mlp.MLP([2, 8, 3], seed=0)
    history = train.train(
        model,
        x,
        labels,
        epochs=5,
        batch_size=10,
        optimizer=optim.SGD(0.1),
        X_val=x[:30],
        y_val=labels[:30],
        seed=0,
    )
    assert [len(history[k]) for k in ("loss", "train_acc", "val_acc")] == [5, 5, 5]
    assert history["loss"][-1] < history["loss"][0] and history["train_acc"][-1] > 0.9
    no_val = train.train(model, x, labels, epochs=2, batch_size=10, optimizer=optim.SGD(0.1))
    assert no_val["val_acc"] == []


@pytest.fixture(scope="module")
def mnist():
    from grader.datasets import load_mnist

    return load_mnist()


@pytest.mark.slow
def test_fit_mnist_reaches_the_target_and_is_deterministic(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    first = train.fit_mnist(x_train, y_train)
    predictions = np.argmax(first.predict(x_test), axis=1)
    assert np.mean(predictions == y_test) >= 0.92
    second = train.fit_mnist((x_train * 255).round().astype(np.uint8), y_train)
    assert np.mean(np.argmax(second.predict(x_test), axis=1) == predictions) > 0.97
    third = train.fit_mnist(x_train, y_train)
    assert np.array_equal(np.argmax(third.predict(x_test), axis=1), predictions)
