"""Throughput and memory benchmark: ``autograder grade`` against an equivalent Otter loop (``make bench``)."""
