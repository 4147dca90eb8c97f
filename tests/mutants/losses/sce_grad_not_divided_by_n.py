"""softmax_cross_entropy_grad forgets to divide by the batch size."""
# target: losses


def softmax_cross_entropy_grad(logits, t):
    z = np.atleast_2d(_as_float(logits))
    grad = softmax(z, axis=1)
    grad[np.arange(len(z)), _labels(t, len(z))] -= 1
    return grad.reshape(np.shape(logits))
