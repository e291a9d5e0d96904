"""The permutation test in parts: threads beside the caller, generators started mid-stream.

:class:`PendingPvalues` is what :func:`linkage.network.permutation.start_permutation_pvalues`
returns: the test split into parts (consecutive runs of permutations), each run now or in
its own thread; ``result()`` waits for every part and combines them. A part that starts at
permutation ``t`` draws from ``default_rng(seed)`` advanced past the 32-bit draws of the
permutations before it (:func:`rng_after`), counted by an earlier test of the same seed on
the same firms (:class:`DrawCounts`), so the parts together draw the permutations of one
loop (:func:`split_parts`).
"""

from __future__ import annotations

import threading
import time
from typing import NamedTuple

import numpy as np

__all__ = ["DrawCounts", "PendingPvalues", "rng_after", "split_parts"]


class PendingPvalues:
    """P-values computed now, or in threads that have begun their compiled loops.

    Parameters
    ----------
    runs : list of callables
        ``run(done)`` computes one part (``done``: an int64 array of 1 that the compiled
        loop sets to 0 on entry, or None when the part runs here).
    finish : callable
        ``finish(results)``, the parts' results in order, returns ``(pvalues, draws)``:
        the list of p-value arrays and the :class:`DrawCounts`
        of the permutations (or None), kept as :attr:`draws`.
    background : bool
        Run each part in its own thread; this returns once every thread's loop has begun
        (so a caller that then holds the GIL cannot stall them). Else the parts run here.
    prepared : optional
        What the test computed from the network alone (firm-to-firm edges, strengths),
        kept as :attr:`prepared` for a later test on the same network.

    Examples
    --------
    >>> job = PendingPvalues([lambda done: 1, lambda done: 2],
    ...                      lambda r: ([np.array(r, float)], None), background=True)
    >>> job.result()[0].tolist()
    [1.0, 2.0]
    """

    def __init__(self, runs, finish, *, background, prepared=None):
        self._finish = finish
        self._results = [None] * len(runs)
        self._error = None
        self._threads = []
        self._value = None
        self.draws = None
        self.prepared = prepared
        if not background:
            self._results = [run(None) for run in runs]
            return
        dones = [np.full(1, -1, dtype=np.int64) for _ in runs]
        for i, (run, done) in enumerate(zip(runs, dones, strict=True)):
            thread = threading.Thread(
                target=self._target, args=(i, run, done), name=f"permutation-test-{i}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        for thread, done in zip(self._threads, dones, strict=True):
            while done[0] < 0 and thread.is_alive():
                time.sleep(1e-4)  # until the loop runs without the GIL

    def _target(self, i, run, done):
        try:
            self._results[i] = run(done)
        except BaseException as exc:  # re-raised by result()
            self._error = exc

    @classmethod
    def finished(cls, pvalues):
        """P-values already known (e.g. NaN when no test is run), behind the same ``result()``."""
        return cls([lambda done: pvalues], lambda results: (results[0], None), background=False)

    def result(self):
        """The p-values, one array per grouping (waits for the threads)."""
        for thread in self._threads:
            thread.join()
        self._threads = []
        if self._error is not None:
            raise self._error
        if self._value is None:
            self._value, self.draws = self._finish(self._results)
        return self._value


class DrawCounts(NamedTuple):
    """The 32-bit draws the permutations of ``default_rng(seed)`` take on ``n_firms`` firms:
    ``cumulative[t]`` for permutations 0, ..., t (see :func:`rng_after`)."""

    seed: int
    n_firms: int
    cumulative: np.ndarray


def rng_after(seed, n_draws):
    """``default_rng(seed)`` after ``n_draws`` 32-bit draws (``next_uint32``).

    PCG64 makes 64 bits a step; numpy's ``next_uint32`` returns the low half and keeps the
    high half for the next call (``has_uint32``, ``uinteger`` in the state). So the state
    after ``c > 0`` draws is the generator advanced ``ceil(c / 2)`` steps with the high
    half of the last step in ``uinteger``, still to be used (``has_uint32 = 1``) when ``c``
    is odd. The whole state dict equals the one after the draws.

    Examples
    --------
    >>> a = np.random.default_rng(3)
    >>> _ = a.permutation(1000)   # Fisher-Yates with rejection: 1386 draws for seed 3
    >>> a.bit_generator.state == rng_after(3, 1386).bit_generator.state
    True
    """
    rng = np.random.default_rng(seed)
    n_draws = int(n_draws)
    if n_draws <= 0:
        return rng
    bitgen = rng.bit_generator
    bitgen.advance((n_draws + 1) // 2 - 1)
    raw = int(bitgen.random_raw())
    state = bitgen.state
    state.update(has_uint32=n_draws % 2, uinteger=raw >> 32)
    bitgen.state = state
    return rng


def split_parts(n_permutations, seed, n_firms, draws, n_threads):
    """``(first, count, skipped draws)`` of each part of the permutations: one part, or
    ``n_threads`` when ``draws`` counts the draws of this seed and firm count."""
    usable = (
        draws is not None
        and draws.seed == seed
        and draws.n_firms == n_firms
        and len(draws.cumulative) >= n_permutations
    )
    if not usable or n_threads <= 1 or n_permutations < 2:
        return [(0, n_permutations, 0)]
    cuts = np.linspace(0, n_permutations, min(n_threads, n_permutations) + 1).astype(int)
    before = np.r_[0, np.asarray(draws.cumulative, dtype=np.int64)]
    return [(int(a), int(b - a), int(before[a])) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
