"""Hostile submissions through handles (keras_autoencoders), graded in one batch with their honest twins.

Each case returns objects (a Keras model, a sampler) whose methods fight the grader: a method that loops
forever, exits the process or exhausts memory, methods that return objects that are not plain data, and
models that lie about themselves through a patched ``count_params``, ``get_weights`` or ``weights``. Its
honest twin is the same submission with the method raising an exception, returning plain wrong values, or
telling the truth. Every case must score no more than its twin on every question (the tests recompute
the behaviour, so a lie gains nothing), keep full marks on the questions it does not attack, and the honest
neighbours in the batch are graded normally.
"""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from autograder.config import Limits
from autograder.grading.batch import grade_batch

ROOT = Path(__file__).resolve().parents[1]
NAME = "keras_autoencoders"
LIMITS = Limits(notebook_seconds=120, cell_seconds=30, call_seconds=4, memory_mb=1024, cpu_seconds=300,
                file_mb=8, tmp_mb=32, processes=128, restarts=8)
QUESTIONS = ("build_dense_autoencoder", "Sampler", "vae_loss")

# The reference's Sampler and vae_loss (and its build_dense_autoencoder, which every case below redefines).
REFERENCE = (ROOT / "solutions" / NAME / "solution.py").read_text()


def model_code(methods: str, rescale_input: bool = True, use_bias: bool = True) -> str:
    """``build_dense_autoencoder`` returning a Sequential subclass with ``methods`` (source at class level)."""
    body = textwrap.indent(methods, "    ") if methods.strip() else "    pass\n"
    first = "layers.Rescaling(1 / 255), " if rescale_input else ""
    return REFERENCE + f"""

class Autoencoder(keras.Sequential):
{body}

def build_dense_autoencoder(img_height, img_width, num_hidden):
    return Autoencoder([
        keras.Input(shape=(img_height, img_width, 1)), {first}layers.Flatten(),
        layers.Dense(num_hidden, activation="relu", use_bias={use_bias}),
        layers.Dense(img_height * img_width, activation="sigmoid", use_bias={use_bias}),
        layers.Reshape((img_height, img_width, 1)), layers.Rescaling(255),
    ])
"""


RAISES = "raise RuntimeError('not available')"
LOOP = "while True:\n    pass"
EXIT = "import os\nos._exit(0)"
HOG = "import numpy as np\nblocks = []\nwhile True:\n    blocks.append(np.ones(2 ** 25))"


def method(name: str, body: str, signature: str = "self, *args, **kwargs") -> str:
    return f"def {name}({signature}):\n{textwrap.indent(body, '    ')}\n"


NOT_PLAIN = '''
class Anything:
    """Equal to everything, convertible to nothing: must not pass for a number or an array."""
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __int__(self): return 5126800
    def __index__(self): return 5126800
    def __float__(self): return 127.5
    def __array__(self, *a, **k): raise TypeError("no")
    __hash__ = object.__hash__
'''
PLAIN_WRONG = '''
class Anything:
    pass
'''
NOT_PLAIN_METHODS = method("count_params", "return Anything()") + method("predict", "return Anything()")
PLAIN_WRONG_METHODS = method("count_params", "return 0") + method("predict", "import numpy as np\nreturn np.zeros(1)")
NOT_PLAIN_OTHERS = '''

class Sampler:
    def __init__(self, seed=None, **kwargs):
        pass
    def __call__(self, z_mean, z_log_var):
        return Anything()


def vae_loss(images, reconstructions, z_mean, z_log_var):
    return Anything()
'''
PLAIN_WRONG_OTHERS = NOT_PLAIN_OTHERS.replace("return Anything()", "return 0.0")

LIE_COUNT = method("count_params", "h, w = self.output_shape[1:3]\n"
                   "n = [layer for layer in self.layers if hasattr(layer, 'units')][0].units\n"
                   "return 2 * h * w * n + n + h * w", "self")
# A model without Rescaling(1/255) claims a first kernel 255 times larger: its predict equals the lecture's
# computation from what it claims, until the grader sets weights.
LIE_GET_WEIGHTS = method("get_weights", "w = super().get_weights()\nw[0] = w[0] * 255\nreturn w", "self")
LIE_WEIGHTS = "@property\n" + method("weights", "w = list(super().weights)\nw[0] = w[0] * 255\nreturn w", "self")

# name -> (hostile submission, honest twin, questions it must keep full marks on, words its feedback contains)
CASES: dict[str, tuple[str, str, tuple[str, ...], list[str]]] = {
    "predict_loops_forever": (model_code(method("predict", LOOP)), model_code(method("predict", RAISES)),
                              ("Sampler", "vae_loss"), ["did not return within"]),
    "count_params_exits": (model_code(method("count_params", EXIT, "self")),
                           model_code(method("count_params", RAISES, "self")),
                           ("Sampler", "vae_loss"), ["exit"]),
    "set_weights_exhausts_memory": (model_code(method("set_weights", HOG)),
                                    model_code(method("set_weights", RAISES)),
                                    ("Sampler", "vae_loss"), ["memory"]),
    "methods_return_objects_not_data": (model_code(NOT_PLAIN_METHODS) + NOT_PLAIN + NOT_PLAIN_OTHERS,
                                        model_code(PLAIN_WRONG_METHODS) + PLAIN_WRONG + PLAIN_WRONG_OTHERS,
                                        (), []),
    "count_params_lies": (model_code(LIE_COUNT, use_bias=False), model_code("", use_bias=False),
                          ("Sampler", "vae_loss"), []),
    "get_weights_lies": (model_code(LIE_GET_WEIGHTS, rescale_input=False), model_code("", rescale_input=False),
                         ("Sampler", "vae_loss"), []),
    "weights_property_lies": (model_code(LIE_WEIGHTS, rescale_input=False),
                              model_code("", rescale_input=False), ("Sampler", "vae_loss"), []),
}
NEIGHBOURS = {"neighbour_reference": REFERENCE,
              "neighbour_honest_model": model_code("")}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    subs = tmp_path_factory.mktemp("hostile-handles")
    for name, (hostile, twin, _, _) in CASES.items():
        (subs / f"{name}.py").write_text(hostile)
        (subs / f"twin__{name}.py").write_text(twin + f"\n# the honest twin of {name}\n")
    for name, code in NEIGHBOURS.items():
        (subs / f"{name}.py").write_text(code)
    out = tmp_path_factory.mktemp("hostile-handles-out")
    start = time.monotonic()
    results = grade_batch(ROOT / "grading_config.yaml", NAME, [subs], out, workers=2, limits=LIMITS).results
    print(f"hostile handles batch: {len(results)} submissions in {time.monotonic() - start:.1f} s")
    for r in sorted(results, key=lambda r: r.submission):
        scores = [(q.name, round(q.score, 3)) for q in r.questions]
        print(f"  {r.submission}: {r.total:g} {scores} {r.wall_seconds:.1f} s")
    return {r.submission: r for r in results}


def test_every_submission_was_graded(batch):
    expected = set(CASES) | {f"twin__{n}" for n in CASES} | set(NEIGHBOURS)
    assert set(batch) == expected
    lost = {k: r.error for k, r in batch.items() if r.error}
    assert not lost, f"submissions that could not be graded: {lost}"


def test_honest_neighbours_are_graded_normally(batch):
    for name in NEIGHBOURS:
        r = batch[name]
        failed = [f"{t.name}: {t.output[:200]}" for t in r.tests if not t.passed]
        assert r.total == r.max_total, f"{name}: {r.total}/{r.max_total}: {failed}"


def test_a_hostile_object_scores_no_more_than_its_honest_twin(batch):
    problems = []
    for name in CASES:
        hostile, twin = batch[name], batch[f"twin__{name}"]
        for q in QUESTIONS:
            got, bound = hostile.question(q).score, twin.question(q).score
            if got > bound + 1e-9:
                passed = [t.name for t in hostile.tests if t.question == q and t.passed]
                problems.append(f"{name}: {q} scored {got:g}, its honest twin {bound:g}; it passed {passed}")
    assert not problems, "\n".join(problems)


def test_the_attack_costs_only_its_own_question(batch):
    problems = []
    for name, (_, _, untouched, _) in CASES.items():
        r = batch[name]
        for q in untouched:
            if r.question(q).score != r.question(q).max_score:
                failing = [f"{t.name}: {t.output[:200]}" for t in r.tests if t.question == q and not t.passed][:3]
                problems.append(f"{name}: {q} scored {r.question(q).score:g}/{r.question(q).max_score:g}: {failing}")
        attacked = r.question("build_dense_autoencoder")
        if attacked.score >= attacked.max_score:
            problems.append(f"{name}: full marks on build_dense_autoencoder despite the attack")
    assert not problems, "\n".join(problems)


def test_limits_are_reported_in_plain_words(batch):
    missing = []
    for name, (_, _, _, words) in CASES.items():
        text = "\n".join([*batch[name].messages, *(t.output for t in batch[name].tests)])
        missing += [f"{name}: feedback lacks {w!r}:\n{text[:600]}" for w in words if w not in text]
    assert not missing, "\n".join(missing)


def test_lies_are_caught_by_recomputed_behaviour(batch):
    """The lying models fail the tests that recompute what they lie about, with the grader's own numbers."""
    def failed(name, fragment):
        return [t for t in batch[name].tests if fragment in t.test_id and not t.passed]

    assert failed("count_params_lies", "test_lecture_parameter_count")
    assert failed("count_params_lies", "test_small_model_parameters_and_output_shape")
    for liar in ("get_weights_lies", "weights_property_lies"):
        assert failed(liar, "test_forward_pass_from_its_own_weights")
        assert failed(liar, "test_forward_pass_with_weights_set_by_the_grader")
