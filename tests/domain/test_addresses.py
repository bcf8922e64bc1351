"""Address normalisation and the matching search builds on (chalicelib/domain/addresses.py)."""

from chalicelib.domain.addresses import begins_with, matches, normalise_address, normalise_parcel_no, search_tokens


def test_the_guides_address_is_written_the_usps_way() -> None:
    assert normalise_address("1968 E Dodd Road") == "1968 E DODD RD"
    assert normalise_address("  1968   east dodd rd. ") == "1968 E DODD RD"


def test_directionals_and_suffixes_are_abbreviated() -> None:
    assert normalise_address("400 North Government Way") == "400 N GOVERNMENT WAY"
    assert normalise_address("12 southwest Lakeview Boulevard, Apt #4") == "12 SW LAKEVIEW BLVD APT #4"
    assert normalise_address("9 W. Appleway Avenue") == "9 W APPLEWAY AVE"


def test_punctuation_but_dash_slash_and_hash_is_dropped() -> None:
    assert normalise_address("1/2 Main St; Unit 3-B!") == "1/2 MAIN ST UNIT 3-B"


def test_search_tokens_are_the_distinct_words() -> None:
    assert search_tokens("1968 E Dodd Road") == ["1968", "E", "DODD", "RD"]


def test_every_query_token_must_prefix_an_address_token_in_order() -> None:
    assert matches("dodd", "1968 E DODD RD")
    assert matches("1968 dod", "1968 E DODD RD")
    assert matches("1968 E Dodd Road", "1968 E DODD RD")
    assert not matches("dodd 1968", "1968 E DODD RD")
    assert not matches("main", "1968 E DODD RD")
    assert not matches("", "1968 E DODD RD")


def test_begins_with_is_the_start_of_the_normalised_address() -> None:
    assert begins_with("1968 e do", "1968 E DODD RD")
    assert not begins_with("dodd", "1968 E DODD RD")


def test_parcel_numbers_compare_upper_case_without_spaces() -> None:
    assert normalise_parcel_no(" c-0000 -000-0001 ") == "C-0000-000-0001"
