"""Ships a sitecustomize.py that patches numpy comparisons, on top of the stubs."""
# target: new:sitecustomize
# base: exercises
# expect: score 0
import numpy

numpy.allclose = lambda *args, **kwargs: True
numpy.isclose = lambda a, b, *args, **kwargs: numpy.ones(numpy.shape(a), dtype=bool)
