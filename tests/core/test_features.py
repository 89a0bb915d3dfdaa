"""Input feature expansion: values, the fixed column order, labels and errors."""
from __future__ import annotations

import math

import numpy as np
import pytest

from gdlab.core.data.features import FEATURE_NAMES, expand_features, feature_labels, num_features

X2 = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]])


def test_names():
    assert FEATURE_NAMES == ("x", "square", "product", "sin")


def test_all_features_of_two_inputs():
    out = expand_features(X2, FEATURE_NAMES)
    expected = [[x1, x2, x1 * x1, x2 * x2, x1 * x2, math.sin(x1), math.sin(x2)] for x1, x2 in X2]
    np.testing.assert_allclose(out, expected, rtol=1e-15)
    assert out.dtype == np.float64
    assert feature_labels(2, FEATURE_NAMES) == ["x1", "x2", "x1²", "x2²", "x1·x2", "sin x1", "sin x2"]


def test_column_order_does_not_depend_on_the_listing_order():
    a = expand_features(X2, ["sin", "x", "square"])
    b = expand_features(X2, ["x", "square", "sin"])
    np.testing.assert_array_equal(a, b)
    assert feature_labels(2, ["sin", "x"]) == ["x1", "x2", "sin x1", "sin x2"]


def test_raw_inputs_only_is_a_copy():
    out = expand_features(X2, ["x"])
    np.testing.assert_array_equal(out, X2)
    out[0, 0] = 99.0
    assert X2[0, 0] == 1.0


def test_three_inputs_products_in_pair_order():
    X = np.array([[2.0, 3.0, 5.0]])
    np.testing.assert_array_equal(expand_features(X, ["product"]), [[6.0, 10.0, 15.0]])
    assert feature_labels(3, ["product"]) == ["x1·x2", "x1·x3", "x2·x3"]
    assert num_features(3, FEATURE_NAMES) == 3 + 3 + 3 + 3


def test_one_input():
    X = np.array([[0.5], [-2.0]])
    np.testing.assert_allclose(expand_features(X, FEATURE_NAMES), [[0.5, 0.25, math.sin(0.5)],
                                                                    [-2.0, 4.0, math.sin(-2.0)]])
    assert feature_labels(1, FEATURE_NAMES) == ["x1", "x1²", "sin x1"]
    with pytest.raises(ValueError, match="product"):
        expand_features(X, ["product"])  # no pairs: no columns at all


@pytest.mark.parametrize("features, match", [
    ([], "at least one"),
    (["x", "x"], "twice"),
    (["x", "cube"], "cube"),
])
def test_bad_feature_lists(features, match):
    with pytest.raises(ValueError, match=match):
        expand_features(X2, features)
    with pytest.raises(ValueError, match=match):
        feature_labels(2, features)


def test_bad_inputs():
    with pytest.raises(ValueError, match="shape"):
        expand_features(np.zeros(3), ["x"])
    with pytest.raises(ValueError, match="d"):
        feature_labels(0, ["x"])


def test_widths_match_labels_for_every_choice():
    from itertools import combinations
    X = np.random.default_rng(0).normal(size=(4, 3))
    for k in range(1, 5):
        for chosen in combinations(FEATURE_NAMES, k):
            out = expand_features(X, chosen)
            assert out.shape == (4, len(feature_labels(3, chosen))) == (4, num_features(3, chosen))
