"""The shapes of postal addresses people write, as regular expressions.

Every shape holds a house or box number: a street name alone ("Science Park", "Calle Mayor")
or a city or country alone names a place, not where someone lives. The shapes:

* number first, street word last (UK, US, Ireland, Australia, India, Nigeria, ...):
  "221B Baker Street", "Flat 3, 12 Acacia Avenue", "123 Main St, Apt 4B",
  "1600 Pennsylvania Ave NW";
* number first, street word first (France): "12 rue de la Paix", "5 bis avenue Foch";
* street word first, number last (Spain, Italy, Portugal, Belgium, Poland, Romania, Latin
  America): "Calle Mayor 12, 3ºB", "Via Roma, 12", "ul. Długa 5/7", "Rue de la Loi 16";
* one word ending in a street word, number last (Germany, Austria, Switzerland, the
  Netherlands, Scandinavia): "Hauptstraße 5", "Kerkstraat 12-II", "Drottninggatan 5",
  and the two-word form "Berliner Straße 12";
* post-office boxes: "PO Box 123", "P.O. Box 9", "Postfach 12 34", "Apartado 45".

The word lists are facts about street naming, not tuned on any evaluation set.
"""

from __future__ import annotations

import re

#: Upper-case letters of the Latin scripts (ASCII and Latin-1 to Latin Extended-B).
UPPER = "A-Z" + "".join(char for char in map(chr, range(0xC0, 0x250)) if char.isupper())
_LETTER = r"[^\W\d_]"
#: A capitalised word, possibly hyphenated or with an apostrophe ("St John's", "Champs-Élysées").
NAME_WORD = rf"[{UPPER}]{_LETTER}*+\.?(?:['\u2019-]{_LETTER}++)*+"
#: A numbered street name ("5th", "42nd").
_ORDINAL = r"\d{1,3}(?:st|nd|rd|th)"

# Words that end a street name in English-speaking countries (a fact list, not exhaustive).
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
# Words that end a street or locality name in Indian addresses ("672, Luthra Chowk").
STREET_WORDS += "marg nagar chowk ganj zila colony layout enclave vihar puram bazar gali".split()
# Their usual abbreviations, with or without a full stop.
STREET_ABBREVIATIONS = (
    "St Rd Ave Av Ln Cl Dr Cres Pl Ct Gdns Gr Terr Tce Sq Blvd Bvd Pde Hwy Pkwy Cir Ter "
    "Way Wy Mt Esp Ctr Crt Rte Trl Xing"
).split()
_DIRECTION = r"(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)"
_UNIT_WORD = r"(?:Flat|Studio|Apartment|Apt|Unit|Suite|Ste|Fl)\.?"
#: A flat, apartment or suite after the street ("Apt 4B", "Suite 200", "#12").
_UNIT_AFTER = rf"(?:,?\s+(?:{_UNIT_WORD}|#)\s*\d{{1,4}}[A-Za-z]?\b)?"
_HOUSE_NUMBER = r"\d{1,5}[A-Za-z]?(?:\s?[-\u2013/]\s?\d{1,5}[A-Za-z]?)?"


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    """The words as one regex, factored by their leading characters (a trie: "St|Sq|Street"
    becomes "S(?:q|t(?:reet)?)"), so the engine compares one character per branch instead
    of trying each word in turn. Longer words are tried first."""
    unique = set(words)
    rests: dict[str, list[str]] = {}
    for word in unique - {""}:
        rests.setdefault(word[0], []).append(word[1:])
    branches = [re.escape(first) + _alternation(rests[first]) for first in sorted(rests)]
    if not branches:
        return ""
    joined = branches[0] if len(branches) == 1 and "" not in unique else f"(?:{'|'.join(branches)})"
    return f"{joined}?" if "" in unique else joined


def _starting_with(words: list[str] | tuple[str, ...], any_case: bool = False) -> str:
    """A look-ahead for the first letters of ``words``: the regex engine tests one character
    class at each position instead of trying every word (a several-fold speed-up)."""
    letters = {word[0] for word in words}
    if any_case:
        letters |= {letter.swapcase() for letter in letters}
    return "(?=[" + re.escape("".join(sorted(letters))) + "])"


def _any_case(words: list[str] | tuple[str, ...]) -> list[str]:
    """Each word as written, lower-case and capitalised (a case-sensitive alternation of
    these is faster than a case-insensitive one)."""
    return [form for word in words for form in (word, word.lower(), word[0].upper() + word[1:])]


_SUFFIX = _alternation([word.capitalize() for word in STREET_WORDS] + STREET_ABBREVIATIONS)

#: "Flat 3, 12 Acacia Avenue", "123 Main St, Apt 4B", "1600 Pennsylvania Ave NW", "350 5th Ave".
NUMBER_THEN_STREET = re.compile(
    # A flat ("Flat 3", "Unit 5/12", Glasgow's "Flat 2/1") with or without a house number
    # after it, or a house number alone.
    rf"(?=[FSAUNH\d])\b(?:{_UNIT_WORD}\s*\d{{1,4}}[A-Za-z]?(?:/\d{{1,2}})?,?\s+"
    rf"(?:{_HOUSE_NUMBER},?\s+)?|(?:(?:H\.\s?)?No\.?\s*)?{_HOUSE_NUMBER},?\s+)"
    rf"(?:(?:{NAME_WORD}|{_ORDINAL})\s+){{1,3}}"
    rf"(?:{_SUFFIX})\b\.?"
    rf"(?:\s+{_DIRECTION}\b\.?)?"
    rf"{_UNIT_AFTER}"
)

# French order: number, then the street word, then the name ("12 rue de la Paix").
_FRENCH_WORDS = (
    "rue avenue av boulevard bd place allée allee impasse chemin quai cours route square "
    "passage faubourg"
).split()
# Lower-case particles inside street names ("de la", "dei", "van der", "d'Italie").
_PARTICLES = (
    "de du des la le les del dei della delle degli di da do dos das van von der den "
    "y e i el los las"
).split()
_PARTICLE = rf"(?:(?:{_alternation(_PARTICLES)})\s+|[dl]['\u2019]\s?)"
#: A street name after its street word: capitalised words, with lower-case particles between.
_NAME_AFTER_WORD = rf"{_PARTICLE}*(?:{NAME_WORD}|\d{{1,2}})(?:[\s-]+{_PARTICLE}*{NAME_WORD}){{0,3}}"
NUMBER_THEN_FRENCH_STREET = re.compile(
    rf"(?=\d)\b\d{{1,4}}(?:\s?(?:bis|ter|[A-Za-z]))?,?\s+"
    rf"(?i:{_alternation(_FRENCH_WORDS)})\.?\s+"
    rf"{_NAME_AFTER_WORD}"
)

# Street words written before the name, where the number comes last (lower-case forms
# that are also English words are matched capitalised only).
_LEADING_WORDS_ANY_CASE = [
    *(
        "Calle C/ Avenida Avda. Avda Paseo Pº Pza. Carrer Carretera Ctra. Travesía Rambla "
        "Viale Piazza Piazzale Vicolo Strada Rua Travessa Praça Praca Estrada Largo Alameda "
        "ul. ulica al. aleja pl. plac os. osiedle Str. Bulevardul Bd. Calea Șoseaua Soseaua "
        "Splaiul Rue Chaussée Allée Ulitsa Ulica Utca Rruga Sokak Sok. Caddesi Cad. Bulevar "
        "Callejón Callejon Cerrada Calzada Circuito Circunvalación Circunvalacion Retorno Privada "
        "Prolongación Prolongacion Andador Corredor Ampliación Ampliacion Peatonal Viaducto "
        "Periférico Periferico Diagonal Continuación Continuacion Eje Carrera Transversal "
        "Av. Rodovia Ladeira Viela Aleea Intrarea Piața Piata Trg Náměstí náměstí nám. "
        "Jl. Jalan Gg. Odos Leoforos Rehov Rechov Sderot Prospekt"
    ).split(),
    "Eje vial",
]
# ("Ronda", a Spanish street word, is left out: it is also a given name.)
_LEADING_WORDS_CAPITALISED = "Via Corso Avenue Boulevard Place Plaza Camino Quai".split()
#: What some write before the house number: "nº 12", "No. 5", "nr. 5", "No: 12", "# 12-34".
_NUMBER_SIGN = r"(?:(?i:n[º°o]|no|nr)[.:]?\s*|#\s*)"
_FLOOR = r"(?:,?\s*\d{1,2}\s?[º°ª]\s?(?:[A-Za-z]\b|izq(?:da)?\.?|dcha\.?|\d{1,2}\s?[ºª])?)"
# A flat after the number: Polish "m. 4", Mexican "Interior 700", "Edif. 833 , Depto. 079".
_FLAT_AFTER = (
    r"(?:\s+(?:m\.|lok\.|apt\.?|Int\.|Interior)\s*\d{1,4}[A-Za-z]?"
    r"|\s+Edif\.\s*\d{1,4}[A-Za-z]?(?:\s*,\s*(?:Depto|Dpto)\.\s*\d{1,4}[A-Za-z]?)?)"
)
#: "Calle Mayor 12, 3ºB", "Via Roma, 12", "ul. Długa 5/7", "Avda. de la Constitución 5 2º izq".
STREET_THEN_NUMBER = re.compile(
    rf"{_starting_with(_LEADING_WORDS_ANY_CASE + _LEADING_WORDS_CAPITALISED, any_case=True)}"
    rf"\b(?:{_alternation(_any_case(_LEADING_WORDS_ANY_CASE) + _LEADING_WORDS_CAPITALISED)})"
    rf"\s*{_NAME_AFTER_WORD},?\s+{_NUMBER_SIGN}?"
    rf"\d{{1,5}}[A-Za-z]?(?:\s?[-/]\s?(?:\d{{1,4}}[A-Za-z]?|[IVX]{{1,4}}\b))?"
    rf"{_FLOOR}?{_FLAT_AFTER}?(?![\d.,]\d)"
)

# Street words that end a one-word street name in German, Dutch, Scandinavian and Finnish
# ("-ring" and "-gate" are left out: "Spring 2026", "Colgate 2").
_COMPOUND_ENDINGS = (
    "straße strasse str. gasse weg allee platz damm ufer steig pfad chaussee markt "
    "straat laan plein gracht kade singel dijk steeg "
    "gatan vägen gata vej gade veien vegen katu vegur"
).split()
_GERMAN_WORDS = "Straße Strasse Str. Gasse Weg Allee Platz Damm Ufer Straat Laan".split()
# (Korean road names are hyphenated too: "Teheran-ro 152", "Sejong-daero 110".)
_HYPHEN_LAST_WORDS = [*_GERMAN_WORDS, "Ring", "Steig", "Pfad", "Markt", "ro", "gil", "daero"]
#: "Hauptstraße 5", "Kerkstraat 12-II", "Drottninggatan 5", "Berliner Straße 12a",
#: "Conny-Jäntsch-Straße 87/66", "Steuerring 85".
COMPOUND_STREET_THEN_NUMBER = re.compile(
    # The look-ahead (one to three capitalised words, then a number) lets the engine give up
    # on most capitalised words before it tries the endings.
    rf"\b(?=[{UPPER}](?:{_LETTER}|-)*+\.?(?:\s+[{UPPER}]{_LETTER}*+\.?){{0,2}},?\s*\d)"
    rf"(?:(?:[{UPPER}]{_LETTER}*+-)+(?:{_alternation(_HYPHEN_LAST_WORDS)})"
    rf"|(?:[{UPPER}]{_LETTER}*+-)*[{UPPER}]{_LETTER}*(?i:{_alternation(_COMPOUND_ENDINGS)})"
    # "-ring", but not "Spring", "String", "Bring".
    rf"|[{UPPER}]{_LETTER}*(?<![ptB])ring"
    rf"|(?:{NAME_WORD}\s+){{1,2}}(?:{_alternation(_GERMAN_WORDS)}))"
    rf",?\s*\d{{1,4}}[A-Za-z]?(?:\s?[-/]\s?(?:\d{{1,4}}[A-Za-z]?|[IVX]{{1,4}}\b))?(?![\d.,]\d)"
)

# Lower-case addresses ("flat 9 227 park drive", "i live at 12 acacia avenue"): only the
# commonest street words, and only after a flat number or a word about living or post,
# since "2 very close friends" or "a 5 minute drive" are not addresses.
_LOWER_SUFFIX = _alternation(
    "street road avenue lane close drive court mews crescent grove gardens terrace place "
    "square way walk hill park row st rd ave".split()
)
_NOT_A_STREET_NAME = _alternation(
    "the a an my our your his her their this that these those per more less other few many "
    "min mins minute minutes hour hours day days week weeks month months year years mile "
    "miles km metres meters times of in on at to up down for from and or is are was were "
    "with by very so too new old big way lane car bus tennis food".split()
)
_LOWER_STREET = (
    rf"\d{{1,5}}[a-z]?,?\s+(?!(?:{_NOT_A_STREET_NAME})\s)"
    rf"(?:[a-z][a-z'\u2019-]*\s+){{1,2}}(?:{_LOWER_SUFFIX})\b\.?"
)
#: "flat 9 227 park drive", "Apt 4, 12 elm road".
FLAT_THEN_LOWER_CASE_STREET = re.compile(
    rf"(?=[FfAaSsUu])\b(?i:{_alternation(['flat', 'apt', 'apartment', 'studio', 'unit'])})"
    rf"\.?\s*\d{{1,4}}[A-Za-z]?,?\s+"
    rf"{_LOWER_STREET}"
)
_CUES = (
    "live lives lived living stay staying move moved deliver delivered send sent post posted "
    "forward forwarded address addressed"
).split()
#: "i live at 12 acacia avenue", "deliver to 5 mill lane": the address is group "address".
CUE_THEN_LOWER_CASE_STREET = re.compile(
    rf"(?=[LlSsMmDdPpFfAa])\b(?i:{_alternation(_CUES)})\b[^\n.!?\d]{{0,20}}?\s"
    rf"(?P<address>{_LOWER_STREET})"
)

#: Both lower-case shapes hold a number followed by a lower-case word: texts without one skip them.
LOWER_CASE_GATE = re.compile(r"\d[A-Za-z]?,?\s+[a-z]")

# Street words written after the name, before the number (Baltic, Hungarian, Slovenian,
# Croatian, Turkish, Russian, Icelandic): "Brīvības iela 5", "Gedimino pr. 5", "Kossuth Lajos
# utca 12", "Slovenska cesta 5", "Atatürk Caddesi No: 12", "Nevsky prospekt 28" (one-letter
# abbreviations such as "u." and "g." are left out: "Anna u. 5" would match).
_WORDS_AFTER_NAME = (
    "iela gatvė gatve prospektas pr. prospekt tänav tn mnt maantee puiestee utca út "
    "útja tér körút krt. cesta ulica Caddesi Cad. Cd. Sokak Soka\u011f\u0131 Sok. Sk. "
    "Bulvar\u0131 Bulvari Blv. Mahallesi Mah. stræti"
).split()
#: "Brīvības iela 5", "Atatürk Caddesi No: 12", "Gedimino pr. 5".
NAME_THEN_STREET_WORD_THEN_NUMBER = re.compile(
    rf"(?=[{UPPER}])\b(?:{NAME_WORD}\s+){{1,3}}(?:{_alternation(_WORDS_AFTER_NAME)})(?!{_LETTER})"
    rf",?\s*{_NUMBER_SIGN}?\d{{1,4}}[A-Za-z]?(?:\s?[-/]\s?\d{{1,4}}[A-Za-z]?)?(?![\d.,]\d)"
)

#: "PO Box 123", "P.O. Box 9", "Postfach 12 34", "Apartado de Correos 45", "PMB 1234".
POST_BOX = re.compile(
    r"(?=[PpGgLlAaCcBbSs])\b(?:P\.?\s?O\.?\s?Box|Post\s+Office\s+Box|GPO\s+Box|POB|P\.?M\.?B\.?|Private\s+Bag"
    r"|Locked\s+Bag|Postfach|Postbus|Apartado(?:\s+de\s+Correos)?|Caixa\s+Postal"
    r"|Casella\s+Postale|Bo[iî]te\s+Postale|Skrytka\s+Pocztowa)"
    r"\s*[:.#]?\s*(?:No\.?\s*)?\d{1,6}(?: \d{2}){0,2}\b",
    re.IGNORECASE,
)

#: Words before a number that make it a room, floor or event, not a house ("Room 2.14 ...",
#: "Building 5 Science Park", "Lecture 12 Main Hall").
NOT_A_HOUSE = re.compile(
    r"\b(?:room|rm|building|bldg|block|level|floor|lecture|theatre|theater|hall|lab|"
    r"seminar|gate|platform|stage|zone|wing|week|year|term|semester|module|chapter|page|"
    r"section|figure|table|question|step|bus|route|top|over|about|around|only|"
    r"at\s+least)\.?\s*$",
    re.IGNORECASE,
)
