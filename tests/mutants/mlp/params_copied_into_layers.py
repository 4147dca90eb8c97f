"""The layers get copies of the weights, so changing params does not change the network."""
# target: mlp

_original_init = MLP.__init__


def _init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    for layer in self.layers:
        if isinstance(layer, Affine):
            layer.W, layer.b = layer.W.copy(), layer.b.copy()


MLP.__init__ = _init
