"""Returns objects that would run code if the grader unpickled them
(base: the reference with activations stubbed)."""
# target: activations
# base: partial
# expect: score 10; unit gates full
import os


class Bomb:
    def __reduce__(self):
        return (os.system, ("touch /tmp/backprop-lab-pwned",))


def sigmoid(x):
    return Bomb()


def relu(x):
    return [Bomb(), {"payload": Bomb()}]
