"""LMS bulk downloads (Gradescope, Canvas, Moodle) and plain files, read into candidate submissions.

``collect`` takes what ``autograder grade`` was given (files, directories, zips, LMS downloads as
zips or unpacked) and returns one submission per student (the latest), the ones it superseded,
and notes for the run's summary.
"""
