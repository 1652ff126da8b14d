"""The model's fast column-by-column reductions and the tabulated Poisson draw give exactly what
the numpy reductions and the element-by-element recurrence give (so a speed-up never moves a number)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim.core.rng as rng_module
from sim.core.ops import _any_cols, _count_cols, _max_pair, _sum_mid
from sim.core.rng import poisson_inverse


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b) \
        and (a.dtype.kind != "f" or np.array_equal(np.signbit(a), np.signbit(b)))


@settings(max_examples=80, deadline=None, database=None)
@given(R=st.sampled_from([1, 2, 5, 31, 33, 200, 2000]), T=st.integers(0, 11), seed=st.integers(0, 2**32 - 1))
def test_column_reductions_equal_numpy(R, T, seed):
    g = np.random.default_rng(seed)
    x = g.standard_normal((R, T, 2)) * 10.0 ** g.integers(-6, 6, (R, T, 2)) * (g.random((R, T, 2)) > 0.3)
    assert same_bits(_sum_mid(x), x.sum(1))
    b = g.random((R, T)) > 0.8
    assert same_bits(_any_cols(b), b.any(1, keepdims=True))
    assert same_bits(_count_cols(b), b.sum(1, keepdims=True))
    r = g.integers(0, 6, (R, 2))
    assert same_bits(_max_pair(r), r.max(1, keepdims=True))


@pytest.mark.parametrize("seed", range(20))
def test_tabulated_poisson_draw_equals_the_recurrence(seed, monkeypatch):
    g = np.random.default_rng(seed)
    u = g.random((int(g.integers(1, 3000)), 1))
    u[0, 0] = np.nextafter(1.0, 0.0)
    lam = g.choice([0.0, 1e-9, 0.003, 0.3, 2.0, 16.4, 45.0], size=int(g.integers(1, 5)))
    lam = g.choice(lam, size=u.shape)
    fast = poisson_inverse(u, lam)
    monkeypatch.setattr(rng_module, "_FEW_RATES", 0)  # force the element-by-element recurrence
    assert same_bits(fast, poisson_inverse(u, lam))
