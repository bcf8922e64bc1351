"""US addresses as the county writes them, and the tokens search matches them by (one place: the site never
normalises).

`normalise_address("1968 E Dodd Road")` is "1968 E DODD RD": upper case, spaces collapsed, punctuation but
`-`, `/` and `#` gone, directionals and USPS street suffixes (Publication 28, the common ones) abbreviated.
A query matches an address when every query token is the start of some address token, in order
(`matches`); it begins with it when the address starts with the normalised query (`begins_with`): search
answers those first.
"""

from __future__ import annotations

import re

DIRECTIONALS = {"NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W", "NORTHEAST": "NE", "NORTHWEST": "NW",
                "SOUTHEAST": "SE", "SOUTHWEST": "SW"}
SUFFIXES = {
    "ROAD": "RD", "STREET": "ST", "AVENUE": "AVE", "AV": "AVE", "DRIVE": "DR", "LANE": "LN", "COURT": "CT",
    "BOULEVARD": "BLVD", "PLACE": "PL", "CIRCLE": "CIR", "HIGHWAY": "HWY", "PARKWAY": "PKWY", "TERRACE": "TER",
    "TRAIL": "TRL", "WAY": "WAY", "ALLEY": "ALY", "LOOP": "LOOP", "SQUARE": "SQ", "CRESCENT": "CRES",
    "EXPRESSWAY": "EXPY", "FREEWAY": "FWY", "POINT": "PT", "RIDGE": "RDG", "CROSSING": "XING", "HEIGHTS": "HTS",
    "MOUNTAIN": "MTN", "VIEW": "VW", "VILLAGE": "VLG", "COVE": "CV", "CANYON": "CYN", "CREEK": "CRK",
    "ESTATES": "EST", "GARDENS": "GDNS", "GROVE": "GRV", "HOLLOW": "HOLW", "ISLAND": "IS", "JUNCTION": "JCT",
    "LAKE": "LK", "MEADOWS": "MDWS", "ORCHARD": "ORCH", "PIKE": "PIKE", "PLAZA": "PLZ", "RUN": "RUN",
    "SPRINGS": "SPGS", "STATION": "STA", "SUMMIT": "SMT", "TURNPIKE": "TPKE", "VALLEY": "VLY", "VISTA": "VIS",
    "APARTMENT": "APT", "SUITE": "STE", "UNIT": "UNIT", "BUILDING": "BLDG", "FLOOR": "FL",
}
ABBREVIATIONS = {**DIRECTIONALS, **SUFFIXES}
_PUNCTUATION = re.compile(r"[^A-Z0-9\-/# ]+")
MAX_ADDRESS = 200


def normalise_address(text: str) -> str:
    """The address in the county's written form ("1968 E Dodd Road." → "1968 E DODD RD")."""
    upper = _PUNCTUATION.sub(" ", str(text)[:MAX_ADDRESS].upper().replace(".", ""))
    return " ".join(ABBREVIATIONS.get(word, word) for word in upper.split())


def tokens(text: str) -> list[str]:
    """The normalised words of an address or a query, in order."""
    return normalise_address(text).split()


def search_tokens(address: str) -> list[str]:
    """The distinct words an address is indexed by (each token item of a parcel)."""
    return list(dict.fromkeys(tokens(address)))


def matches(query: str, address: str) -> bool:
    """Every query token is the start of an address token, in order (contains, word by word)."""
    wanted, have = tokens(query), tokens(address)
    position = 0
    for token in wanted:
        while position < len(have) and not have[position].startswith(token):
            position += 1
        if position == len(have):
            return False
        position += 1
    return bool(wanted)


def begins_with(query: str, address: str) -> bool:
    """The address starts with the normalised query (its last word may be unfinished)."""
    normalised = normalise_address(query)
    return bool(normalised) and normalise_address(address).startswith(normalised)


def normalise_parcel_no(text: str) -> str:
    """Parcel numbers compare upper case with spaces removed ("51n04w 12" → "51N04W12")."""
    return "".join(str(text).upper().split())
