import numpy as np
import pytest

from autograder.testing.checks import Call, check_correct_and_inputs_unchanged, check_raises

from .support import FRAMEWORKS, EagerTensor, TableLM, ToyLM, check_hypotheses, hypotheses

pytestmark = pytest.mark.question("beam_search")

LONG_SECONDS = 60

# (vocab, beam_width, max_new_tokens, eos_id, eos_bias, prompt, seed)
CASES = {
    "k3-n6": (12, 3, 6, None, 0.0, (1, 2), 0),
    "k4-n8": (20, 4, 8, None, 0.0, (5,), 1),
    "k2-n10-empty-prompt": (8, 2, 10, None, 0.0, (), 2),
    "k5-n5-long-prompt": (10, 5, 5, None, 0.0, (7, 3, 9, 1), 3),
    "k3-n8-eos": (15, 3, 8, 1, 2.0, (3, 4), 4),
    "k4-n10-frequent-eos": (15, 4, 10, 0, 3.0, (2,), 5),
    "k5-n6-eos": (10, 5, 6, 2, 1.5, (7,), 6),
    "k2-n12-eos": (9, 2, 12, 3, 2.5, (1,), 7),
}


_EXPECTED: dict[tuple, list] = {}  # the reference is deterministic: computed once per batch, not per submission


def run_case(student, reference, vocab, k, n, eos, bias, prompt, seed, timeout=None, scale=2.0):
    lm = ToyLM(vocab, seed, scale=scale, eos=eos, eos_bias=bias)
    kwargs = {} if eos is None else {"eos_id": eos}
    c = Call("beam_search", lm, list(prompt), k, n, **kwargs)
    key = (vocab, k, n, eos, bias, tuple(prompt), seed, scale)
    if key not in _EXPECTED:
        _EXPECTED[key] = reference.beam_search(lm, list(prompt), k, n, **kwargs)
    fn = student.beam_search if timeout is None else student.beam_search.with_timeout(timeout)
    check_hypotheses(fn(lm, list(prompt), k, n, **kwargs), _EXPECTED[key], c)


@pytest.mark.points(2)
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_matches_reference_beam_search(student, reference, case):
    """the beam_width best hypotheses, best first, with summed log-prob scores"""
    run_case(student, reference, *CASES[case])


@pytest.mark.points(2)
def test_beats_greedy_on_a_trap(student):
    """beam search finds the better sequence that greedy decoding misses"""
    # Greedy takes token 0 first (p=0.5) and can then only reach p=0.5*0.34; token 1 first leads to 0.4*0.9.
    table = {(): [0.5, 0.4, 0.1], (0,): [0.34, 0.33, 0.33], (1,): [0.05, 0.05, 0.9], (2,): [0.3, 0.3, 0.4]}
    lm = TableLM(table, 3)
    c = Call("beam_search", lm, [], 2, 2)
    got = hypotheses(student.beam_search(lm, [], 2, 2), c)
    if not got or got[0][0] != (1, 2):
        raise AssertionError(f"{c}: the best hypothesis should be (1, 2) with probability 0.36; "
                             f"it returned {got[0][0] if got else 'nothing'}")


def test_width_one_is_greedy(student, reference):
    """beam_width 1 is greedy decoding"""
    run_case(student, reference, 11, 1, 9, None, 0.0, (4,), 8)


@pytest.mark.points(2)
def test_width_larger_than_vocabulary(student, reference):
    """beam_width larger than the vocabulary: only the hypotheses that exist are returned"""
    for n in (1, 2):
        run_case(student, reference, 3, 5, n, None, 0.0, (0,), 9)


def test_zero_new_tokens(student):
    """max_new_tokens == 0 returns [(tuple(prompt), 0.0)]"""
    lm = ToyLM(5, 10)
    c = Call("beam_search", lm, [3, 1], 3, 0)
    got = hypotheses(student.beam_search(lm, [3, 1], 3, 0), c)
    if got != [((3, 1), 0.0)]:
        raise AssertionError(f"{c} returned {got}; it should return [((3, 1), 0.0)]")


def test_width_below_one_raises(student):
    """beam_width < 1 raises ValueError"""
    check_raises(student, "ValueError", Call("beam_search", ToyLM(5, 11), [1], 0, 3))


@pytest.mark.points(2)
def test_masked_tokens_never_appear(student, reference):
    """tokens with log-prob -inf are never generated, even when beam_width exceeds the finite choices"""
    lm = ToyLM(6, 12, masked=(0, 2, 3, 5))
    # Two finite tokens: after 1 and 2 steps there are only 2 and 4 hypotheses for 5 beams.
    for n in (1, 2, 3):
        c = Call("beam_search", lm, [1], 5, n)
        got = student.beam_search(lm, [1], 5, n)
        check_hypotheses(got, reference.beam_search(lm, [1], 5, n), c)


@pytest.mark.points(2)
def test_long_generation_does_not_underflow(student, reference):
    """260 new tokens: scores are sums of log-probs (multiplying probabilities underflows to 0)"""
    # A flat distribution over 60 tokens: with beam width 2 the best hypothesis has log-prob -776.3 after 260
    # tokens (the second -776.7), below the smallest positive double (4.9e-324 = exp(-744.4)), so a product of
    # probabilities underflows to 0. (A vocabulary of 6 ended at -118, where multiplying probabilities still worked.)
    run_case(student, reference, 60, 2, 260, None, 0.0, (2,), 13, timeout=LONG_SECONDS, scale=0.5)


def test_long_generation_with_eos(student, reference):
    """80 new tokens with a rare end-of-sequence token"""
    run_case(student, reference, 7, 2, 80, 6, -1.0, (1,), 14, timeout=LONG_SECONDS)


def test_does_not_modify_prompt(student, reference):
    """the prompt passed in is left unchanged (and the hypotheses are right)"""
    check_correct_and_inputs_unchanged(student, reference, Call("beam_search", ToyLM(6, 15), [2, 4, 1], 2, 3),
                                       check_hypotheses)


def test_model_receives_tuples(student, reference):
    """next_log_probs is called with a tuple of token ids (a dict-backed model needs hashable prefixes)"""
    lm, seen = ToyLM(6, 16), []

    def next_log_probs(seq):
        seen.append(seq)
        return lm(seq)

    c = Call("beam_search", next_log_probs, [1, 2], 2, 3)
    check_hypotheses(student.beam_search(next_log_probs, [1, 2], 2, 3), reference.beam_search(lm, [1, 2], 2, 3), c)
    wrong = next((s for s in seen if not isinstance(s, tuple) or not all(isinstance(t, (int, np.integer)) for t in s)),
                 None)
    if wrong is not None:
        raise AssertionError(f"{c} called next_log_probs with a {type(wrong).__name__} ({wrong!r:.60}); "
                             f"it takes a tuple of token ids")


def test_stops_when_every_candidate_ends_in_eos(student, reference):
    """when every candidate ends in eos_id, no hypothesis stays live and the search stops early"""
    lm = ToyLM(4, 17, eos=0, masked=(1, 2, 3))  # eos is the only token with a finite log-prob
    c = Call("beam_search", lm, [2], 2, 4, eos_id=0)
    check_hypotheses(student.beam_search(lm, [2], 2, 4, eos_id=0), reference.beam_search(lm, [2], 2, 4, eos_id=0), c)


def test_numpy_array_prompt(student, reference):
    """the prompt may be a NumPy array of token ids"""
    lm, prompt = ToyLM(9, 18), np.array([7, 3, 5])
    c = Call("beam_search", lm, prompt, 3, 4)
    check_hypotheses(student.beam_search(lm, prompt, 3, 4), reference.beam_search(lm, prompt, 3, 4), c)


def test_tensor_prompt(student, reference):
    """the prompt may be an eager TensorFlow or PyTorch tensor of token ids; sequences still hold ints"""
    lm, prompt = ToyLM(9, 19), np.array([4, 8])
    for framework in FRAMEWORKS:
        c = Call("beam_search", lm, EagerTensor(framework, prompt), 2, 3)
        check_hypotheses(c(student), reference.beam_search(lm, prompt, 2, 3), c)
