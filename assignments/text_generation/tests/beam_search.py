OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "beam_search"

# A tiny bigram "language model" over 3 tokens: the next-token probabilities depend on the last token
# (row = last token). The empty prefix uses START.
BIGRAM = np.array([[0.1, 0.6, 0.3],     # after token 0
                   [0.5, 0.2, 0.3],     # after token 1
                   [0.45, 0.35, 0.2]])  # after token 2
START = np.array([0.2, 0.7, 0.1])


def next_log_probs(seq):
    """log p(next token | seq) for the tiny bigram model."""
    seq = [int(t) for t in np.asarray(seq).ravel()]
    return np.log(BIGRAM[seq[-1]] if seq else START)


def raises_value_error(func, *args):
    """Whether func(*args) raises ValueError; any other error is re-raised so you can see it."""
    try:
        func(*args)
    except ValueError:
        return True
    return False


def as_hypotheses(result, call):
    """The result as a list of (tuple of ints, float) pairs."""
    assert isinstance(result, (list, tuple)), \
        f"{call} returned {type(result).__name__}; it should return a list of (sequence, score) pairs"
    out = []
    for i, item in enumerate(result):
        assert isinstance(item, (list, tuple)) and len(item) == 2, \
            f"{call}: entry {i} of the result is {item!r}, not a (sequence, score) pair"
        seq, score = item
        out.append((tuple(int(t) for t in np.asarray(seq).ravel()), float(np.asarray(score))))
    return out


@test_case(points=1, hidden=False)
def test_two_best_hypotheses_with_summed_scores(beam_search):
    """beam_width (sequence, score) pairs, best first; sequences include the prompt, scores sum log-probs"""
    call = "beam_search(next_log_probs, [0], beam_width=2, max_new_tokens=2)"
    got = as_hypotheses(beam_search(next_log_probs, [0], 2, 2), call)
    # step 1 keeps (0, 1) p=0.6 and (0, 2) p=0.3; step 2 extends both, the best two are
    # (0, 1, 0) p=0.6*0.5=0.30 and (0, 1, 2) p=0.6*0.3=0.18
    expected = [((0, 1, 0), np.log(0.6) + np.log(0.5)), ((0, 1, 2), np.log(0.6) + np.log(0.3))]
    assert len(got) == 2, f"{call} returned {len(got)} hypotheses; expected beam_width = 2"
    assert [s for s, _ in got] == [s for s, _ in expected], \
        f"{call} returned the sequences {[s for s, _ in got]}; expected {[s for s, _ in expected]} " \
        f"(best first, the prompt included)"
    for (seq, score), (_, exp_score) in zip(got, expected):
        assert abs(score - exp_score) <= 1e-5 * (1 + abs(exp_score)), \
            f"{call}: the score of {seq} is {score:.6f}; expected {exp_score:.6f}, the sum of the " \
            f"log-probabilities of the generated tokens (not a probability, not including the prompt)"


@test_case(points=1, hidden=False)
def test_no_new_tokens_returns_the_prompt(beam_search):
    """no new tokens: the prompt comes back alone, with score 0.0"""
    call = "beam_search(next_log_probs, [2, 0], beam_width=3, max_new_tokens=0)"
    got = as_hypotheses(beam_search(next_log_probs, [2, 0], 3, 0), call)
    assert got == [((2, 0), 0.0)], f"{call} returned {got}; expected [((2, 0), 0.0)]"


@test_case(points=1, hidden=False)
def test_beam_width_zero_is_rejected(beam_search):
    """beam_width 0 is rejected with ValueError"""
    assert raises_value_error(beam_search, next_log_probs, [0], 0, 2), \
        "beam_search(next_log_probs, [0], beam_width=0, max_new_tokens=2) should raise ValueError"
