# The untouched stub: raises NotImplementedError, as in the student notebook.


def style_loss(style_features, combination_features):
    raise NotImplementedError("style_loss")
