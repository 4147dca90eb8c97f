"""MLP draws its weights from an unseeded generator."""
# target: mlp

_original_init = MLP.__init__


def _init(self, layer_sizes, activation="relu", weight_init="he", seed=None, dtype="float64"):
    _original_init(self, layer_sizes, activation, weight_init, None, dtype)


MLP.__init__ = _init
