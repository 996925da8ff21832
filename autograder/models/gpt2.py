"""A tiny random-weight Hugging Face GPT-2, from a config and a seed (no hub download)."""

from __future__ import annotations

from typing import Any, ClassVar

from autograder.models.portable import register


@register
class TinyGPT2:
    """``GPT2LMHeadModel`` in eval mode, weights drawn by torch from ``seed`` (the global RNG is left as it was).

    ``initializer_range`` 0.5 (GPT-2's default is 0.02) gives peaked next-token distributions, so
    off-by-one mistakes change the log-probabilities by far more than float32 noise.
    """

    wire_name: ClassVar[str] = "tiny_gpt2"

    def __init__(self, vocab: int = 64, seed: int = 0, n_positions: int = 32, n_embd: int = 32, n_layer: int = 2,
                 n_head: int = 2, initializer_range: float = 0.5) -> None:
        self.vocab, self.seed, self.n_positions = int(vocab), int(seed), int(n_positions)
        self.n_embd, self.n_layer, self.n_head = int(n_embd), int(n_layer), int(n_head)
        self.initializer_range = float(initializer_range)
        self._state: dict | None = None

    def wire_params(self) -> dict[str, Any]:
        return {"vocab": self.vocab, "seed": self.seed, "n_positions": self.n_positions, "n_embd": self.n_embd,
                "n_layer": self.n_layer, "n_head": self.n_head, "initializer_range": self.initializer_range}

    def __repr__(self) -> str:
        return f"tiny GPT-2 (vocab {self.vocab}, {self.n_layer} layers, seed {self.seed})"

    def build(self) -> Any:
        """A new ``GPT2LMHeadModel`` with this spec's weights, in eval mode."""
        import torch
        from transformers import GPT2Config, GPT2LMHeadModel
        from transformers.utils import logging

        logging.set_verbosity_error()
        config = GPT2Config(vocab_size=self.vocab, n_positions=self.n_positions, n_embd=self.n_embd,
                            n_layer=self.n_layer, n_head=self.n_head, initializer_range=self.initializer_range,
                            bos_token_id=0, eos_token_id=0, pad_token_id=0)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.seed)
            model = GPT2LMHeadModel(config)
        model.eval()
        if self._state is None:
            self._state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        return model

    def restore(self, model: Any) -> None:
        """Put the initial weights back and eval mode (the child hands the same model to every call)."""
        if self._state is not None:
            model.load_state_dict(self._state)
        model.eval()
