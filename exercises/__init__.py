"""backprop-lab exercises: build a neural network from scratch in numpy.

Work through the modules in this order, running `grade` after each:
gates → activations → losses → layers → gradcheck → mlp → optim → train.
Every function you write raises NotImplementedError until you replace its body.
"""
