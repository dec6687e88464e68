"""Recognizers for where a person lives: UK postcodes and street addresses."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipelines.privacy.findings import POSTCODE, STREET_ADDRESS, Finding
from pipelines.privacy.recognizers.base import Recognizer

# Outward code (area letters, district) and inward code (sector digit, unit letters).
# Lenient on purpose: anything shaped like a full postcode is redacted, even if its
# outward code is not allocated.
_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\b", re.IGNORECASE)

# Words that end a street name in the UK and elsewhere (a fact list, not exhaustive).
STREET_WORDS = (
    "street st road rd avenue ave lane ln close drive dr way crescent place pl court ct "
    "gardens gdns grove terrace hill park square sq row mews walk view rise green parade "
    "boulevard blvd circus wharf quay vale dale bank yard gate field fields meadow meadows "
    "brook brooks bridge hollow heights mount glen orchard passage alley approach "
    "broadway chase common cross croft end esplanade estate fold grange embankment "
    "junction knoll loop manor mall market mill mills path pike point port ridge ring "
    "route run shore side spur stream trail underpass village ville villas vista wall "
    "water wells wood woods ways skyway expressway freeway highway motorway causeway "
    "circle curve crest creek ford forge fork forks harbor harbour haven island isle "
    "landing light lights lock locks key keys oval pass pines plain plains plaza "
    "prairie ranch rapids rest roads shoal shoals spring springs station stravenue "
    "summit throughway trace track trafficway tunnel turnpike union valley viaduct "
    "burg burgs bypass camp canyon cape center centre cliff cliffs club corner corners "
    "cove coves dam divide extension falls ferry flat flats fort fortress garden "
    "lakes lake lodge neck parkway radial river streets terraces overpass mountain "
    "mountains via shores forest well ramp glens gardens greens groves harbors hills "
    "inlet junctions knolls lanes loaf manors meadow mission motorway mount mountain "
    "orchard parks parkways plaza points ports ranch ridges spurs squares stations "
    "summit trafficway unions valleys views villages vista walks ways wells branch "
    "forges gateway fords crossing islands isles arcade beach bluff bluffs bottom bend "
    "cliffs corners courts crescents dales drives estates expressway extensions fall "
    "flats freeway garden gardens gateway grove harbour hills hollow inlet keys knoll "
    "lakes landing mall meadows mills mission mount neck orchard oval overpass pine "
    "prairie radial ramp ranch rapid rest ridge river road roads route row rue shoal "
    "skyway spring springs square stream streets summit terrace throughway trace "
    "track trail tunnel turnpike underpass union valley viaduct village ville vista"
).split()

_SUFFIX = "|".join(sorted({word.capitalize() for word in STREET_WORDS}, key=len, reverse=True))
_STREET_ADDRESS = re.compile(
    r"\b(?:(?:Flat|Studio|Apartment|Apt\.?|Unit|Room)\s+\d+[A-Za-z]?,?\s+)?"
    r"(?:\d{1,5}[A-Za-z]?,?\s+)?"
    r"(?:[A-Z][a-z]*(?:['\u2019-][A-Z]?[a-z]+)*\s+){1,3}"
    rf"(?:{_SUFFIX})\b"
)
_NUMBERED = re.compile(r"^(?:Flat|Studio|Apartment|Apt|Unit|Room|\d)")


class PostcodeRecognizer(Recognizer):
    """UK postcodes (full postcodes; an outward code alone names an area, not a home)."""

    name = "postcode"
    entity_type = POSTCODE
    needs = "digit"

    def find(self, text: str) -> Iterator[Finding]:
        for match in _POSTCODE.finditer(text):
            yield Finding(POSTCODE, match.start(), match.end(), 0.9)


class StreetAddressRecognizer(Recognizer):
    """A house number (or flat/studio number) and a street name ending in a street word."""

    name = "street_address"
    entity_type = STREET_ADDRESS
    needs = "digit"

    def find(self, text: str) -> Iterator[Finding]:
        for match in _STREET_ADDRESS.finditer(text):
            # Without a number in front, "Great Hall" or "Science Park" is a place, not a home.
            if _NUMBERED.match(match.group()):
                yield Finding(STREET_ADDRESS, match.start(), match.end(), 0.8)
