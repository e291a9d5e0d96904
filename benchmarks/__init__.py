"""Benchmarks of ``linkage``: large IO tables and firm networks, beside the alternatives.

Run from the repository root::

    python -m benchmarks.run            # full suite, writes benchmarks/RESULTS.md
    python -m benchmarks.run --quick    # seconds; for CI

See ``benchmarks/README.md``.
"""
