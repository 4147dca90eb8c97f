"""Returns objects that would run code if the grader unpickled them, on top of the stubs."""
# target: activations
# base: exercises
# expect: score 0
import os


class Bomb:
    def __reduce__(self):
        return (os.system, ("touch /tmp/backprop-lab-pwned",))


def sigmoid(x):
    return Bomb()


def relu(x):
    return [Bomb(), {"payload": Bomb()}]
