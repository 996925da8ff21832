# The untouched stub: raises NotImplementedError, as in the student notebook.


def beam_search(next_log_probs, prompt, beam_width, max_new_tokens, eos_id=None):
    raise NotImplementedError("beam_search")
