"""Oracle test: the reference ``beam_search`` agrees with Hugging Face ``generate``.

The reference solution of ``text_generation`` (``solutions/text_generation/solution.py``) is
driven by a tiny random-weight GPT-2 (built offline: a byte-level BPE tokenizer trained here
with ``tokenizers``, ``GPT2LMHeadModel`` from a ``GPT2Config``) and compared with
``model.generate(num_beams=k, do_sample=False, length_penalty=0.0, early_stopping="never")``
on the same model, which the spec says is the same algorithm whenever no two hypotheses tie:

- without an end-of-sequence token (``eos_id=None`` / ``eos_token_id=None``): plain beam search;
- with one, on a model whose output layer adds +3 to the EOS logit, so that hypotheses finish
  early, HF's early-stop check fires, and the "an EOS candidate finishes only if it ranks in the
  step's top k" rule matters;
- ``beam_width=1`` against greedy ``generate(num_beams=1)``.

All ``k`` hypotheses are compared, in order, and their scores (sum of the generated tokens'
log-probs; HF's ``sequences_scores`` is exactly that with ``length_penalty=0.0``, accumulated
in float32). Every configuration below was checked to have gaps > 1e-3 between consecutive
scores, and the test asserts it again before asserting the order.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

# With 2 threads on this 2-core machine, under load, generate() was seen to stall for minutes.
torch.set_num_threads(1)
torch.manual_seed(0)

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "text_generation" / "solution.py"

SCORE_ATOL = 5e-4  # HF sums log-probs in float32, the reference in float64
MIN_GAP = 1e-3  # consecutive reference scores must differ by more than this to assert an order
EOS_BIAS = 3.0


def _load_reference():
    spec = importlib.util.spec_from_file_location("_text_generation_reference_for_oracle", SOLUTION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ref = _load_reference()

# (beam_width, max_new_tokens, prompt text)
NO_EOS_CASES = [
    (2, 10, "the cat sat"),
    (3, 7, "on the mat and"),
    (4, 10, "beam search keeps"),
    (4, 7, "the dog"),
    (5, 5, "the best partial"),
    (5, 10, "sat on the log"),
]
# On the EOS-biased model. Generated lengths of the reference's hypotheses (max_new_tokens
# when the hypothesis did not finish early), measured when the cases were chosen:
EOS_CASES = [
    (3, 8, "the cat sat"),  # [3, 8, 7]
    (4, 10, "on the mat and"),  # [2, 8, 10, 10]
    (4, 12, "the dog"),  # [2, 7, 9, 9]: HF stops after 9 steps
    (3, 12, "sat on the log"),  # [10, 12, 12]
    (4, 8, "every step"),  # [1, 2, 3, 4]: all finish early, HF stops after 4 steps
    (4, 12, "beam search keeps"),  # [12, 12, 12, 12]: EOS allowed but never ranked in the top k
]


def _case_id(case):
    k, n, text = case
    return f"k{k}-n{n}-" + text.replace(" ", "_")


@pytest.fixture(scope="module")
def tokenizer():
    corpus = ["the cat sat on the mat and the dog sat on the log",
              "beam search keeps the best partial sequences at every step"] * 20
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=120, special_tokens=["<pad>", "<eos>", "<unk>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    hf_tok = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>",
                                     eos_token="<eos>", unk_token="<unk>")
    assert (hf_tok.pad_token_id, hf_tok.eos_token_id) == (0, 1)
    return hf_tok


def _build_model(tok, eos_bias):
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(tok), n_positions=64, n_embd=64, n_layer=2, n_head=2,
                        bos_token_id=tok.eos_token_id, eos_token_id=tok.eos_token_id,
                        pad_token_id=tok.pad_token_id, initializer_range=0.5)
    model = GPT2LMHeadModel(config).eval()
    if eos_bias:
        # Replace the tied output layer with a biased copy that makes EOS frequent.
        head = torch.nn.Linear(config.n_embd, len(tok), bias=True)
        with torch.no_grad():
            head.weight.copy_(model.lm_head.weight)
            head.bias.zero_()
            head.bias[tok.eos_token_id] = eos_bias
        model.lm_head = head
    return model


@pytest.fixture(scope="module")
def plain_model(tokenizer):
    return _build_model(tokenizer, 0.0)


@pytest.fixture(scope="module")
def eos_model(tokenizer):
    return _build_model(tokenizer, EOS_BIAS)


def _next_log_probs(model):
    def next_log_probs(seq):
        with torch.no_grad():
            logits = model(torch.tensor([list(seq)])).logits[0, -1].float()
        return torch.log_softmax(logits, -1).numpy().astype(np.float64)
    return next_log_probs


class Run:
    """One configuration: HF's and the reference's hypotheses, best first."""

    def __init__(self, tok, model, k, n, text, eos):
        enc = tok(text, return_tensors="pt")
        self.prompt = tuple(enc["input_ids"][0].tolist())
        self.k, self.n, self.eos = k, n, eos
        with torch.no_grad():
            out = model.generate(**enc, num_beams=k, do_sample=False, max_new_tokens=n,
                                 num_return_sequences=k, return_dict_in_generate=True,
                                 output_scores=True, pad_token_id=tok.pad_token_id,
                                 eos_token_id=eos, length_penalty=0.0, early_stopping="never")
        self.hf_generated_columns = out.sequences.shape[1] - len(self.prompt)
        self.hf_sequences = [self._cut(s) for s in out.sequences.tolist()]
        self.hf_scores = out.sequences_scores.double().numpy()
        got = ref.beam_search(_next_log_probs(model), list(self.prompt), k, n, eos_id=eos)
        self.ref_sequences = [tuple(s) for s, _ in got]
        self.ref_scores = np.array([float(score) for _, score in got])

    def _cut(self, seq):
        """The prompt and the generated ids up to and including the first generated EOS
        (finished hypotheses are right-filled, and the fill value may itself be EOS)."""
        generated = seq[len(self.prompt):]
        if self.eos is not None and self.eos in generated:
            generated = generated[:generated.index(self.eos) + 1]
        return tuple(seq[:len(self.prompt)] + generated)

    def finished_early(self):
        return [s for s in self.ref_sequences
                if len(s) - len(self.prompt) < self.n and s[-1] == self.eos]


@pytest.fixture(scope="module")
def run(tokenizer, plain_model, eos_model):
    """``run(with_eos, k, n, text)``: the configuration's Run, computed once per module."""
    cache = {}

    def get(with_eos, k, n, text):
        key = (with_eos, k, n, text)
        if key not in cache:
            model = eos_model if with_eos else plain_model
            eos = tokenizer.eos_token_id if with_eos else None
            cache[key] = Run(tokenizer, model, k, n, text, eos)
        return cache[key]

    return get


def check_agreement(r: Run):
    assert len(r.ref_sequences) == r.k, f"the reference returned {len(r.ref_sequences)} hypotheses, not {r.k}"
    assert len(r.hf_sequences) == r.k
    assert all(s[:len(r.prompt)] == r.prompt for s in r.ref_sequences), "sequences must include the prompt"
    gaps = -np.diff(r.ref_scores)
    assert np.all(gaps > MIN_GAP), (
        f"near-tie in this configuration (score gaps {gaps}); the order is not well defined, choose "
        f"another prompt instead of loosening the check")
    assert r.ref_sequences == r.hf_sequences, (
        f"reference {r.ref_sequences}\n  != HF {r.hf_sequences}")
    np.testing.assert_allclose(r.ref_scores, r.hf_scores, rtol=0, atol=SCORE_ATOL)


@pytest.mark.parametrize("case", NO_EOS_CASES, ids=[_case_id(c) for c in NO_EOS_CASES])
def test_matches_hf_without_eos(run, case):
    r = run(False, *case)
    check_agreement(r)
    assert all(len(s) == len(r.prompt) + r.n for s in r.ref_sequences)


@pytest.mark.parametrize("case", EOS_CASES, ids=[_case_id(c) for c in EOS_CASES])
def test_matches_hf_with_eos(run, case):
    r = run(True, *case)
    check_agreement(r)
    for s in r.ref_sequences:
        generated = s[len(r.prompt):]
        assert 1 <= len(generated) <= r.n
        # EOS can only be the last token, and a short hypothesis must have ended with EOS.
        assert r.eos not in generated[:-1]
        assert len(generated) == r.n or generated[-1] == r.eos


def test_eos_cases_exercise_early_finishing(run):
    """The EOS configurations really finish hypotheses early (otherwise they would only
    re-test plain beam search), including a mix of early and full-length hypotheses, one where
    every hypothesis finishes early, and one where HF's early-stop check ends generation."""
    runs = [run(True, *case) for case in EOS_CASES]
    early = [len(r.finished_early()) for r in runs]
    assert sum(early) > 0, "no EOS configuration finished a hypothesis before max_new_tokens"
    assert any(0 < e < r.k for e, r in zip(early, runs)), early
    assert any(e == r.k for e, r in zip(early, runs)), early
    assert any(r.hf_generated_columns < r.n for r in runs), [r.hf_generated_columns for r in runs]


@pytest.mark.parametrize("with_eos, n, text", [(False, 10, "the cat sat"),
                                               (False, 8, "beam search keeps"),
                                               (True, 10, "the cat sat")],
                         ids=["plain-n10", "plain-n8", "eos-n10"])
def test_width_one_is_greedy_generate(tokenizer, plain_model, eos_model, with_eos, n, text):
    model = eos_model if with_eos else plain_model
    eos = tokenizer.eos_token_id if with_eos else None
    enc = tokenizer(text, return_tensors="pt")
    prompt = enc["input_ids"][0].tolist()
    with torch.no_grad():
        out = model.generate(**enc, num_beams=1, do_sample=False, max_new_tokens=n,
                             return_dict_in_generate=True, output_scores=True,
                             pad_token_id=tokenizer.pad_token_id, eos_token_id=eos)
        hf_score = float(model.compute_transition_scores(out.sequences, out.scores,
                                                         normalize_logits=True).sum())
    hf_seq = tuple(out.sequences[0].tolist())
    got = ref.beam_search(_next_log_probs(model), prompt, 1, n, eos_id=eos)
    assert len(got) == 1
    seq, score = got[0]
    assert tuple(seq) == hf_seq
    assert abs(float(score) - hf_score) < SCORE_ATOL
    if with_eos:
        assert hf_seq[-1] == eos and len(hf_seq) - len(prompt) < n, "greedy should stop at EOS here"
