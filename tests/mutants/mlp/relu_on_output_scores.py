"""The network applies its activation after the last Affine too (ReLU on the output scores)."""
# target: mlp


def _predict(self, x):
    for layer in self.layers:
        x = layer.forward(x)
    self._output_relu = Relu()
    return self._output_relu.forward(x)


def _gradient(self, x, t):
    self.loss(x, t)
    dout = self._output_relu.backward(self.last_layer.backward(1))
    for layer in reversed(self.layers):
        dout = layer.backward(dout)
    affines = [layer for layer in self.layers if isinstance(layer, Affine)]
    grads = {}
    for i, layer in enumerate(affines, start=1):
        grads[f"W{i}"], grads[f"b{i}"] = layer.dW, layer.db
    return grads


MLP.predict, MLP.gradient = _predict, _gradient
