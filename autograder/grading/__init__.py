"""Grading a batch: plan it, run the pool, store each result and write the outputs.

``grade_batch`` is the one way through for the CLI and library callers alike; ``GradingPool`` is the
engine it runs (also used by ``autograder audit`` and Gradescope's ``run_autograder``). What a run
writes besides the gradebook (results.json, grades.csv, the tutor report, feedback) comes from
listeners (``autograder.grading.outputs``), so every caller gets the same files.
"""
