"""Callback signatures: HMAC-SHA256 over "<t>.<raw body>", 300 s window, rotation, no leniency."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.payments.signature import DEFAULT_TOLERANCE, SIGNATURE_HEADER, sign, verify

SECRET = "sandbox-secret"
NOW = 1_700_000_000
BODY = b'{"payment_id":"pay_123","outcome":"approved","transaction_id":"tx_9","amount":"1054.70"}'


def refused(header: str | None, *, body: bytes = BODY, secret: str = SECRET, now: int = NOW) -> str:
    """Run verify expecting a 400 and return its detail."""
    with pytest.raises(InvalidInput) as caught:
        verify(secret, body, header, now=now)
    assert caught.value.status == 400
    assert caught.value.errors[0].field == SIGNATURE_HEADER
    return caught.value.detail


class TestSign:
    def test_matches_the_formula_in_api_md(self) -> None:
        expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
        assert sign(SECRET, BODY, NOW) == f"t={NOW},v1={expected}"

    def test_known_vector_computed_with_openssl(self) -> None:
        # printf '%s' "1700000000.$BODY" | openssl dgst -sha256 -hmac sandbox-secret
        assert sign(SECRET, BODY, NOW) == (
            "t=1700000000,v1=d2c6055248dbcd9b0b8eaf444d3f4c59e68cd1f25aac05a60c997a7af78b062e"
        )

    @pytest.mark.parametrize("timestamp", [-1, 1.5, "1700000000", True])
    def test_timestamp_must_be_non_negative_int(self, timestamp: object) -> None:
        with pytest.raises(ValueError):
            sign(SECRET, BODY, timestamp)  # type: ignore[arg-type]

    def test_body_must_be_raw_bytes(self) -> None:
        with pytest.raises(TypeError):
            sign(SECRET, BODY.decode(), NOW)  # type: ignore[arg-type]

    def test_empty_secret_is_a_configuration_error(self) -> None:
        with pytest.raises(ValueError):
            sign("", BODY, NOW)


class TestVerify:
    def test_round_trip(self) -> None:
        assert verify(SECRET, BODY, sign(SECRET, BODY, NOW), now=NOW) is None

    def test_bytearray_body_is_fine(self) -> None:
        verify(SECRET, bytearray(BODY), sign(SECRET, BODY, NOW), now=NOW)

    def test_empty_body_round_trip(self) -> None:
        verify(SECRET, b"", sign(SECRET, b"", NOW), now=NOW)

    def test_tampered_body_is_refused(self) -> None:
        header = sign(SECRET, BODY, NOW)
        tampered = BODY.replace(b"1054.70", b"1.00")
        assert "signature does not match" in refused(header, body=tampered)

    def test_one_extra_byte_is_refused(self) -> None:
        assert "does not match" in refused(sign(SECRET, BODY, NOW), body=BODY + b" ")

    def test_reserialised_json_is_not_the_raw_body(self) -> None:
        header = sign(SECRET, BODY, NOW)
        reserialised = json.dumps(json.loads(BODY)).encode()  # same data, other spacing
        assert reserialised != BODY
        refused(header, body=reserialised)

    def test_wrong_secret_is_refused(self) -> None:
        assert "does not match" in refused(sign("another-secret", BODY, NOW))

    def test_timestamp_is_covered_by_the_mac(self) -> None:
        _, mac = sign(SECRET, BODY, NOW - 3600).split(",")
        replayed = f"t={NOW},{mac}"  # an old signature under a fresh timestamp
        assert "does not match" in refused(replayed)

    @pytest.mark.parametrize("offset", [0, 1, 299, 300, -1, -299, -300])
    def test_timestamps_within_300_seconds_pass(self, offset: int) -> None:
        verify(SECRET, BODY, sign(SECRET, BODY, NOW + offset), now=NOW)

    @pytest.mark.parametrize("offset", [-301, -3600, -NOW, 301, 86400])
    def test_stale_or_future_timestamps_are_refused(self, offset: int) -> None:
        assert "300 seconds" in refused(sign(SECRET, BODY, NOW + offset))

    def test_tolerance_is_300_by_default_and_adjustable(self) -> None:
        assert DEFAULT_TOLERANCE == 300
        header = sign(SECRET, BODY, NOW - 60)
        verify(SECRET, BODY, header, now=NOW, tolerance=60)
        with pytest.raises(InvalidInput):
            verify(SECRET, BODY, header, now=NOW, tolerance=59)

    def test_stale_timestamp_is_refused_even_with_a_valid_mac(self) -> None:
        header = sign(SECRET, BODY, NOW - 301)
        verify(SECRET, BODY, header, now=NOW - 1)  # was fine a few seconds ago
        refused(header)

    @pytest.mark.parametrize("header", [None, "", "   "])
    def test_missing_header(self, header: str | None) -> None:
        assert "missing" in refused(header)

    @pytest.mark.parametrize(
        "header",
        [
            "garbage",
            "t=1700000000",  # no signature
            "v1=" + "a" * 64,  # no timestamp
            f"t={NOW},v1=",  # empty signature
            f"t={NOW},v1=xyz",  # not hex
            f"t={NOW},v1=" + "a" * 63,  # wrong length
            f"t={NOW},v1=" + "a" * 65,
            f"t=,v1={'a' * 64}",
            f"t=soon,v1={'a' * 64}",
            f"t=-5,v1={'a' * 64}",
            f"t=1.7e9,v1={'a' * 64}",
            f"t=١٧٠٠٠٠٠٠٠٠,v1={'a' * 64}",  # non-ASCII digits
            f"t={'9' * 400},v1={'a' * 64}",  # absurd timestamp
            f"t={NOW},t={NOW},v1={'a' * 64}",  # two timestamps
            f"t={NOW},,v1={'a' * 64}",  # empty entry
            f"t={NOW};v1={'a' * 64}",  # wrong separator
            f"t={NOW},=x,v1={'a' * 64}",
            f"t={NOW}," + ",".join([f"v1={'a' * 64}"] * 100),  # over the length cap
        ],
    )
    def test_malformed_headers(self, header: str) -> None:
        assert "malformed" in refused(header)

    def test_malformed_header_with_a_genuine_signature_is_still_refused(self) -> None:
        good = sign(SECRET, BODY, NOW)
        assert "malformed" in refused(good + ",t=1")

    def test_whitespace_around_entries_is_tolerated(self) -> None:
        t, v1 = sign(SECRET, BODY, NOW).split(",")
        verify(SECRET, BODY, f" {t} , {v1} ", now=NOW)

    def test_uppercase_hex_is_accepted(self) -> None:
        t, v1 = sign(SECRET, BODY, NOW).split(",")
        verify(SECRET, BODY, f"{t},v1={v1[3:].upper()}", now=NOW)

    def test_entry_order_does_not_matter(self) -> None:
        t, v1 = sign(SECRET, BODY, NOW).split(",")
        verify(SECRET, BODY, f"{v1},{t}", now=NOW)

    def test_other_schemes_are_ignored(self) -> None:
        t, v1 = sign(SECRET, BODY, NOW).split(",")
        verify(SECRET, BODY, f"{t},v0=legacy,{v1}", now=NOW)
        assert "malformed" in refused(f"{t},v0=legacy")  # but a v1 is required


class TestKeyRotation:
    def _both(self, old: str, new: str, body: bytes = BODY) -> str:
        v_old = sign(old, body, NOW).split(",")[1]
        v_new = sign(new, body, NOW).split(",")[1]
        return f"t={NOW},{v_old},{v_new}"

    def test_any_matching_v1_passes(self) -> None:
        header = self._both("old-secret", "new-secret")
        verify("old-secret", BODY, header, now=NOW)
        verify("new-secret", BODY, header, now=NOW)

    def test_none_matching_is_refused(self) -> None:
        assert "does not match" in refused(self._both("old-secret", "new-secret"))

    def test_a_matching_v1_does_not_excuse_a_malformed_one(self) -> None:
        header = sign(SECRET, BODY, NOW) + ",v1=nothex"
        assert "malformed" in refused(header)


class TestMisconfiguration:
    def test_empty_secret_never_passes(self) -> None:
        mac = hmac.new(b"", f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
        header = f"t={NOW},v1={mac}"
        with pytest.raises(ValueError):
            verify("", BODY, header, now=NOW)
        with pytest.raises(ValueError):
            verify("", BODY, None, now=NOW)  # the configuration error wins over the 400

    def test_str_body_is_a_programming_error(self) -> None:
        with pytest.raises(TypeError):
            verify(SECRET, BODY.decode(), sign(SECRET, BODY, NOW), now=NOW)  # type: ignore[arg-type]

    def test_details_do_not_leak_the_expected_signature(self) -> None:
        expected = sign(SECRET, BODY, NOW).split("v1=")[1]
        detail = refused(f"t={NOW},v1={'0' * 64}")
        assert expected not in detail
