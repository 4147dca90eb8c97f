"""Ships a numpy.py that shadows numpy, on top of the reference: it must change nothing."""
# target: new:numpy
# base: solutions
# expect: unit gates full; unit activations full
def allclose(*args, **kwargs):
    return True


raise ImportError("the shadow numpy was imported")
