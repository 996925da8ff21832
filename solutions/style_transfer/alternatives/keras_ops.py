# keras.ops (Keras 3, backend-agnostic), float32; returns Keras tensors.
from keras import ops


def gram_matrix(features):
    x = ops.cast(ops.convert_to_tensor(features), "float32")
    rank = len(x.shape)
    if rank == 3:
        f = ops.reshape(x, (-1, x.shape[-1]))
        return ops.matmul(ops.transpose(f), f)
    if rank == 4:
        f = ops.reshape(x, (x.shape[0], -1, x.shape[-1]))
        return ops.matmul(ops.transpose(f, (0, 2, 1)), f)
    raise ValueError(f"features must have rank 3 or 4, got {rank}")


def style_loss(style_features, combination_features):
    S = gram_matrix(style_features)
    C = gram_matrix(combination_features)
    h, w, channels = ops.shape(ops.convert_to_tensor(style_features))
    return ops.sum(ops.square(S - C)) / (4.0 * channels**2 * (h * w) ** 2)


def content_loss(base_features, combination_features):
    b = ops.cast(ops.convert_to_tensor(base_features), "float32")
    c = ops.cast(ops.convert_to_tensor(combination_features), "float32")
    return ops.sum(ops.square(c - b))
