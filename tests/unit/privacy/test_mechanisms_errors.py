"""Bad parameters fail loudly with a ValueError-derived error that says what is wrong."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sandbox.errors import SandboxError
from sandbox.privacy.mechanisms import noisy_count, noisy_mean, noisy_sum, noisy_variance
from sandbox.privacy.partitions import keep_partition
from sandbox.privacy.sensitivity import PrivacyParameterError

ONE = {"max_groups_per_unit": 1, "max_rows_per_unit": 1}
SUM = {"lower": 0.0, "upper": 10.0, **ONE}


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: noisy_count(5, 0.0, **ONE), "epsilon"),
        (lambda: noisy_count(5, -1.0, **ONE), "epsilon"),
        (lambda: noisy_count(5, float("inf"), **ONE), "epsilon"),
        (lambda: noisy_count(5, float("nan"), **ONE), "epsilon"),
        (lambda: noisy_sum(5.0, 1.0, lower=3.0, upper=2.0, **ONE), "lower must not exceed upper"),
        (lambda: noisy_sum(5.0, 1.0, lower=0.0, upper=float("inf"), **ONE), "finite"),
        (lambda: noisy_mean(5.0, 2, 1.0, lower=1.0, upper=0.0, **ONE), "lower must not exceed upper"),
        (lambda: noisy_count(5, 1.0, **ONE, mechanism="gaussian"), "delta"),
        (lambda: noisy_count(5, 1.0, **ONE, mechanism="gaussian", delta=1.0), "delta"),
        (lambda: noisy_count(5, 1.0, **ONE, mechanism="gaussian", delta=-0.1), "delta"),
        (lambda: noisy_sum(5.0, 1.0, **SUM, mechanism="gaussian", delta=1.5), "delta"),
        (lambda: noisy_count(5, 1.0, **ONE, mechanism="laplace", delta=1e-5), "delta must be 0"),
        (lambda: noisy_count(5, 1.0, **ONE, mechanism="staircase"), "unknown mechanism"),
        (lambda: noisy_count(5, 1.0, max_groups_per_unit=0, max_rows_per_unit=1), "max_groups_per_unit"),
        (lambda: noisy_count(5, 1.0, max_groups_per_unit=1, max_rows_per_unit=2.5), "max_rows_per_unit"),
        (lambda: noisy_count(5.5, 1.0, **ONE), "integer"),
        (lambda: noisy_sum(5.5, 1.0, **SUM, mechanism="geometric"), "integer"),
        (lambda: noisy_sum(5.0, 1.0, lower=0.0, upper=2.5, **ONE, mechanism="geometric"), "integer"),
        (lambda: noisy_sum(float("nan"), 1.0, **SUM), "finite"),
        (lambda: noisy_variance(5.0, 25.0, 1, 1.0, **SUM, ddof=2), "ddof"),
        (lambda: keep_partition(3, 1.0, 0.0, 1), "delta"),
        (lambda: keep_partition(3, 0.0, 1e-5, 1), "epsilon"),
        (lambda: keep_partition(-1, 1.0, 1e-5, 1), "unit count"),
        (lambda: keep_partition(3, 1.0, 1e-5, 0), "max_groups_per_unit"),
    ],
)
def test_bad_parameters_raise_a_clear_value_error(call: Callable[[], Any], fragment: str) -> None:
    with pytest.raises(PrivacyParameterError, match=fragment) as caught:
        call()
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, SandboxError)
    assert caught.value.code == "privacy.invalid_parameter" and caught.value.message_zh
