"""``autograder audit ASSIGNMENT``: prove the hidden tests right, strong and never flaky before release.

One grading pool (the real engine) grades the reference solution once as students are graded and
under N run seeds, the untouched student notebook, every mutant and every legitimate alternative.

- ``names``: the mutant files, and the badly named ones with the reason;
- ``plan``: the submissions to grade (one ``Entry`` each);
- ``run``: grades them with one ``GradingPool`` and builds the report;
- ``matrix``: which test catches which mutant;
- ``checks``: the findings (errors fail the audit, warnings do not);
- ``clauses``: ``solutions/<a>/clauses.yaml``, every spec clause with the mutants that violate it alone and
  the alternatives it allows, checked against the grading (the clause table and its findings);
- ``report``: the data the renderers read; ``text`` and ``html`` render it.
"""
