"""Small Keras image classifiers with seeded weights, for tests that hand a model to a student.

Every copy built from the same parameters has the same float32 weights (drawn with NumPy from the
seed, then set on the model), in the sandbox child and in the grader alike. Inputs are images
``(B, H, W, C)`` in ``[0, 1]``; outputs are logits ``(B, classes)``. Activations are smooth (tanh,
softplus), so input gradients have no kinks. ``crop`` drops the last ``crop`` rows and columns of
the image before anything else: the model ignores those pixels, and their gradient is exactly 0.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from autograder.models.portable import register

KINDS = ("mlp", "cnn")


@register
class KerasClassifier:
    """A seeded ``mlp`` (Flatten, Dense tanh, Dense) or ``cnn`` (Conv tanh, pool, Conv softplus, Dense)."""

    wire_name: ClassVar[str] = "keras_classifier"

    def __init__(self, kind: str, input_shape: tuple[int, int, int] | list[int], classes: int, seed: int,
                 hidden: int = 16, crop: int = 0, weight_scale: float = 1.0) -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        shape = tuple(int(d) for d in input_shape)
        if len(shape) != 3 or min(shape) < 1 or not 0 <= int(crop) < min(shape[:2]):
            raise ValueError("input_shape is (H, W, C) and crop leaves at least one row and column")
        self.kind, self.input_shape, self.classes, self.seed = kind, shape, int(classes), int(seed)
        self.hidden, self.crop, self.weight_scale = int(hidden), int(crop), float(weight_scale)
        self._initial: list[np.ndarray] | None = None

    def wire_params(self) -> dict[str, Any]:
        return {"kind": self.kind, "input_shape": list(self.input_shape), "classes": self.classes,
                "seed": self.seed, "hidden": self.hidden, "crop": self.crop, "weight_scale": self.weight_scale}

    def __repr__(self) -> str:
        return f"{self.kind.upper()} classifier {self.input_shape} -> {self.classes} logits (seed {self.seed})"

    def build(self) -> Any:
        """A new ``keras.Model`` with this spec's weights (not compiled)."""
        import keras

        inputs = keras.Input(shape=self.input_shape, dtype="float32", name="image")
        x = inputs
        if self.crop:
            x = keras.layers.Cropping2D(((0, self.crop), (0, self.crop)), name="ignore_border")(x)
        if self.kind == "mlp":
            x = keras.layers.Flatten(name="flatten")(x)
            x = keras.layers.Dense(self.hidden, activation="tanh", name="hidden")(x)
        else:
            x = keras.layers.Conv2D(max(2, self.hidden // 2), 3, padding="same", activation="tanh", name="conv1")(x)
            x = keras.layers.AveragePooling2D(2, padding="same", name="pool")(x)
            x = keras.layers.Conv2D(self.hidden, 3, padding="same", activation="softplus", name="conv2")(x)
            x = keras.layers.Flatten(name="flatten")(x)
        outputs = keras.layers.Dense(self.classes, name="logits")(x)
        model = keras.Model(inputs, outputs, name=f"{self.kind}_classifier")
        model.set_weights(self.initial_weights([tuple(w.shape) for w in model.weights]))
        return model

    def initial_weights(self, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
        """Glorot-normal kernels and small biases from the seed (float32), in the model's weight order."""
        if self._initial is None:
            rng = np.random.default_rng([self.seed, 20261204])
            out = []
            for shape in shapes:
                if len(shape) == 1:
                    w = rng.normal(size=shape) * 0.1
                else:
                    fan_in, fan_out = int(np.prod(shape[:-1])), int(shape[-1])
                    w = rng.normal(size=shape) * np.sqrt(2.0 / (fan_in + fan_out)) * self.weight_scale
                out.append(w.astype(np.float32))
            self._initial = out
        return [w.copy() for w in self._initial]

    def restore(self, model: Any) -> None:
        """Put the initial weights back (the child hands the same model to every call)."""
        model.set_weights(self.initial_weights([tuple(w.shape) for w in model.weights]))
