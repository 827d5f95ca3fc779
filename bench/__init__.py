"""`make bench`: ratios of the app's paths against the physical floor of the same work.

Run with `python -m bench --preset small|full`; see docs/PERFORMANCE.md.
"""
