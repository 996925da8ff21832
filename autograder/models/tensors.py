"""Eager tensors a hidden test hands to a student's function.

The spec lets a stub's inputs be eager TensorFlow/Keras/PyTorch tensors, but the wire carries arrays: a
tensor crosses as its framework, values and dtype, and the child builds the live ``tf.Tensor`` (also what
Keras 3 on TensorFlow uses) or ``torch.Tensor``. The values travel as exact lists (they are the cache key).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from autograder.models.portable import register

FRAMEWORKS = ("tensorflow", "torch")


@register
class EagerTensor:
    """An array the student receives as an eager tensor of ``framework``."""

    wire_name: ClassVar[str] = "eager_tensor"

    def __init__(self, framework: str, values: Any, dtype: str | None = None, shape: Any = None) -> None:
        if framework not in FRAMEWORKS:
            raise ValueError(f"framework must be one of {FRAMEWORKS}")
        arr = np.asarray(values, dtype=dtype)
        if shape is not None:
            arr = arr.reshape(tuple(int(d) for d in shape))
        if arr.dtype.kind not in "biuf":
            raise ValueError(f"an eager tensor holds numbers, not {arr.dtype}")
        self.framework, self.array = framework, arr

    def wire_params(self) -> dict[str, Any]:
        return {"framework": self.framework, "values": self.array.ravel().tolist(), "dtype": self.array.dtype.str,
                "shape": list(self.array.shape)}

    def build(self) -> Any:
        if self.framework == "tensorflow":
            import tensorflow as tf

            return tf.constant(self.array)
        import torch

        return torch.from_numpy(self.array.copy())

    def restore(self, tensor: Any) -> None:
        """Put the values back (a torch tensor can be changed in place; a tf.Tensor cannot)."""
        if self.framework == "torch":
            import torch

            with torch.no_grad():
                tensor.copy_(torch.from_numpy(self.array.copy()))

    def __repr__(self) -> str:
        kind = "tf.Tensor" if self.framework == "tensorflow" else "torch.Tensor"
        return f"a {kind} of shape {self.array.shape} ({self.array.dtype})"
