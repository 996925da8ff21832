# The untouched stub: raises NotImplementedError, as in the student notebook.


def content_loss(base_features, combination_features):
    raise NotImplementedError("content_loss")
