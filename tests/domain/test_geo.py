"""Geohash cells, bounding boxes and distances (chalicelib/domain/geo.py)."""

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.geo import BBox, cell_size, centroid, cover, distance_m, encode, parse_bbox


def test_encode_matches_the_published_geohash() -> None:
    assert encode(57.64911, 10.40744, 11) == "u4pruydqqvj"  # Wikipedia's example
    assert encode(47.68, -116.78, 9).startswith(encode(47.68, -116.78, 5))


def test_a_cell_of_precision_five_is_about_five_km() -> None:
    height, width = cell_size(5)
    assert height == pytest.approx(0.0439, abs=1e-3)
    assert width == pytest.approx(0.0439, abs=1e-3)


def test_a_small_view_is_covered_by_the_cells_it_touches() -> None:
    box = BBox(-116.80, 47.66, -116.76, 47.70)
    cells = cover(box)
    assert cells is not None and 1 <= len(cells) <= 9
    for lat in (47.66, 47.68, 47.70):
        for lon in (-116.80, -116.78, -116.76):
            assert encode(lat, lon, 5) in cells


def test_a_county_wide_view_needs_too_many_cells() -> None:
    assert cover(BBox(-117.2, 47.3, -116.3, 48.0)) is None


@pytest.mark.parametrize("text", ["", "1,2,3", "a,b,c,d", "nan,1,2,3", "10,0,5,1", "0,10,1,5", "-200,0,0,1",
                                  "0,-91,1,0", "inf,0,1,1"])
def test_a_bad_bbox_is_a_bad_bbox(text: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_bbox(text)
    assert raised.value.slug == "bad-bbox"


def test_a_good_bbox_parses() -> None:
    assert parse_bbox("-116.8,47.6,-116.7,47.7") == BBox(-116.8, 47.6, -116.7, 47.7)


def test_distance_and_centroid() -> None:
    assert distance_m(47.68, -116.78, 47.69, -116.78) == pytest.approx(1112, rel=0.01)
    lat, lon = centroid([[[-116.0, 47.0], [-115.0, 47.0], [-115.0, 48.0], [-116.0, 48.0], [-116.0, 47.0]]])
    assert (lat, lon) == pytest.approx((47.5, -115.5))
