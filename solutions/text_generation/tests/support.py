"""Inputs and helpers for the text_generation hidden tests."""

import numpy as np

from autograder.models import EagerTensor, ToyLM, as_sequence  # noqa: F401 - ToyLM: the tests' model
from autograder.sandbox.wire import Opaque

# The eager tensors the hidden tests hand the stubs. PyTorch only: a tf.Tensor input would make every
# grading host import TensorFlow (5-10 s before the first submission, even for a class that uses NumPy
# only), and a torch.Tensor already catches what a tensor input breaks (no .astype or .copy, in-place
# changes reach the caller); conversions between the frameworks work both ways (np.asarray, torch.as_tensor,
# tf.convert_to_tensor). TensorFlow tensors are tested where the tests need TensorFlow anyway (adversarial).
FRAMEWORKS = ("torch",)

SOFTMAX_RTOL = 1e-6  # float32 TensorFlow/Keras/PyTorch softmax on short vectors passed at 1e-6
SOFTMAX_ATOL = 1e-9
LARGE_V_RTOL = 1e-4  # 50000-token vocabulary: float32 implementations reach 3.2e-6 relative error
SCORE_RTOL = 1e-5  # beam scores: float32 accumulation over 260 steps stays within this
SCORE_ATOL = 1e-5


class TableLM:
    """A language model given as a dict from prefix (tuple) to next-token probabilities."""

    def __init__(self, table, vocab):
        self.table, self.vocab = table, vocab

    def __call__(self, seq):
        probs = np.asarray(self.table.get(as_sequence(seq), np.full(self.vocab, 1.0 / self.vocab)))
        with np.errstate(divide="ignore"):
            return np.log(probs)

    __name__ = "next_log_probs"


def hypotheses(value, call):
    """The student's beam_search result as a list of (tuple of ints, float); clear failures otherwise."""
    if value is None:
        raise AssertionError(f"{call} returned None; it should return a list of (sequence, score) pairs")
    if isinstance(value, Opaque) or not isinstance(value, (list, tuple)):
        raise AssertionError(f"{call} returned a {type(value).__name__}; it should return a list of "
                             f"(sequence, score) pairs")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise AssertionError(f"{call}: entry {i} of the result is not a (sequence, score) pair")
        seq, score = item
        try:
            seq_arr = np.asarray(seq)
            score_arr = np.asarray(score)
        except (TypeError, ValueError):
            raise AssertionError(f"{call}: entry {i} is not a (sequence of ints, float) pair") from None
        if not isinstance(seq, tuple) or not all(isinstance(t, (int, np.integer)) for t in seq) or \
                seq_arr.ndim != 1 or (seq_arr.size and seq_arr.dtype.kind not in "iu"):
            kinds = ", ".join(sorted({type(t).__name__ for t in seq})) if isinstance(seq, (list, tuple)) else "-"
            raise AssertionError(f"{call}: the sequence of entry {i} is not a tuple of ints (it is a "
                                 f"{type(seq).__name__} of {kinds})")
        if score_arr.size != 1 or score_arr.dtype.kind not in "iuf":
            raise AssertionError(f"{call}: the score of entry {i} is not a number")
        out.append((tuple(int(t) for t in seq_arr), float(score_arr.reshape(()))))
    return out


def check_hypotheses(actual, expected, call, *, rtol=SCORE_RTOL, atol=SCORE_ATOL):
    """Same hypotheses in the same order (best first), scores within tolerance."""
    got = hypotheses(actual, call)
    if len(got) != len(expected):
        raise AssertionError(f"{call} returned {len(got)} hypotheses; expected {len(expected)}")
    for rank, ((seq, score), (exp_seq, exp_score)) in enumerate(zip(got, expected)):
        if seq != exp_seq:
            raise AssertionError(f"{call}: hypothesis {rank + 1} (best first) is {seq}, which is not the "
                                 f"right sequence (sequences include the prompt)")
        if not abs(score - exp_score) <= atol + rtol * abs(exp_score):
            raise AssertionError(f"{call}: hypothesis {rank + 1} {seq} has score {score:.6g}; the score is the sum "
                                 f"of the log-probabilities of the generated tokens")
