"""GB/T 28181 camera IDs: validator and generator."""

import numpy as np
import pytest

from sandbox.identifiers.checks import is_valid_camera_id
from sandbox.identifiers.generate import camera_ids

from ._support import DRAWS


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("52260100001320000123", True),  # data design example
        ("52263405041315000001", True),
        ("52263405041116000001", True),  # DVR
        ("52263405041186000001", True),  # NVR
        ("52263405041336000001", False),  # type 133 is not a camera or recorder
        ("52010100001320000123", False),  # 贵阳 centre code
        ("5226010000132000012", False),
        ("522601000013200001234", False),
        ("5226010000132000012A", False),
    ],
)
def test_when_camera_id_checked_then_layout_and_type_decide(value: str, expected: bool) -> None:
    assert is_valid_camera_id(value) is expected


def test_when_generated_then_valid_unique_and_carry_county_and_flag(rng: np.random.Generator) -> None:
    counties = np.array(["522601", "522634", "522631"])[rng.integers(0, 3, DRAWS)]
    flags = np.array(["5", "6", "8"])[rng.integers(0, 3, DRAWS)]
    values = camera_ids(rng, counties, flags)
    assert values.dtype == np.dtype("<U20")
    assert all(is_valid_camera_id(v) for v in values.tolist())
    assert np.unique(values).size == DRAWS
    assert [v[:6] for v in values.tolist()] == counties.tolist()
    assert [v[13] for v in values.tolist()] == flags.tolist()


@pytest.mark.parametrize(
    ("counties", "flags"),
    [
        (np.array(["520101"]), np.array(["5"])),  # not 黔东南
        (np.array(["522601"]), np.array(["55"])),
        (np.array(["522601"]), np.array(["x"])),
        (np.array(["522601", "522601"]), np.array(["5"])),
    ],
)
def test_when_generator_input_invalid_then_value_error(
    rng: np.random.Generator, counties: np.ndarray, flags: np.ndarray
) -> None:
    with pytest.raises(ValueError):
        camera_ids(rng, counties, flags)
