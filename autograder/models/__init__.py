"""Models a hidden test hands to a student's function, and trusted inspectors of returned objects.

A portable model crosses the sandbox boundary as its name and parameters (wire tag ``$pf``): the
child rebuilds it from this registry and gives the student the live object, and a test that needs a
reference builds its own identical copy with ``build()``. An ``EagerTensor`` hands the student a
``tf.Tensor`` or ``torch.Tensor`` (the spec allows tensor inputs; the wire carries arrays). Inspectors
are trusted functions a test runs, inside the child, on an object the student's code returned
(``autograder.testing.remote``).
"""

from autograder.models.gpt2 import TinyGPT2
from autograder.models.keras_classifiers import KerasClassifier
from autograder.models.portable import PORTABLE, Portable, rebuild
from autograder.models.tensors import EagerTensor
from autograder.models.toy_lm import ToyLM, as_sequence, log_softmax

__all__ = ["PORTABLE", "EagerTensor", "KerasClassifier", "Portable", "TinyGPT2", "ToyLM", "as_sequence",
           "log_softmax", "rebuild"]
