"""Whether the words around a name say it names a thing or a person, by kinds of words.

A name model reads "Jolene", "Alexa" or "Paul Smith" as people wherever they stand. The
sentence around a name often tells what it is, whatever the name: a thing is consumed,
owned, visited or described by what kind of thing it is; a person is addressed, thanked,
related to, and says, tells and does. The cues here are typed by their place in the
sentence and by kinds of words (verbs of watching, listening, playing and reading;
nouns of works, products and clubs; articles; titles; relations; verbs of speech and
help; personal pronouns), never by the name itself:

* **thing cues** — a verb of consumption just before ("rewatching …", "listening to …",
  "downloaded …"), an article or "my" just before ("the Jolene cover", "my Alexa"), a
  platform's preposition ("timetabled on …", "meet outside …"), a noun of a work,
  product or club just after ("… album", "… hoodie", "… fans"), a verb of a machine or a
  release just after ("… is down", "… keeps crashing", "… came on"), quotation marks
  around it, a hashtag, or a title's function words joining it to more capitals
  ("Tess of the d'Urbervilles", "Bob the Builder");
* **person cues** — a title before it ("Dr …"), a relation or role ("my flatmate …",
  "our tutor …"), a greeting, thanks or address ("thanks …", "congrats to …", "cc …"),
  a verb of contact or company ("emailed …", "with …", "… and I"), a verb of speech or
  help after it ("… said", "… lent me"), or a personal pronoun later in the sentence
  ("… and she cried").

A span with a thing cue and no person cue names a thing. A person cue wins: a missed
name is worse than a redacted film.
"""

from __future__ import annotations

import re

_RELATIONS = (
    r"flat ?mate|house ?mate|room ?mate|friend|mate|bestie|bff|tutor|lecturer|supervisor|"
    r"teacher|mentor|mum|mom|dad|mother|father|brother|sister|bro|sis|cousin|aunt|auntie|"
    r"uncle|nan|gran|grandma|grandad|boyfriend|girlfriend|bf|gf|partner|wife|husband|son|"
    r"daughter|kid|colleague|manager|boss|neighbour|neighbor|classmate|course ?mate|"
    r"team ?mate|landlord|landlady|ex|crush|fiancée?|student|advisor|adviser|counsellor|"
    r"coach|captain|president|rep|buddy|pal|babe"
)
#: Just before a person: a title, a relation, an address, thanks, contact or company.
_PERSON_BEFORE = re.compile(
    r"(?:\b(?:mr|mrs|ms|miss|mx|dr|prof|professor|sir|dame|madam)\.?"
    rf"|\b(?:my|our|your|his|her|their|a|the|new)\s+(?:\w+\s+)?(?:{_RELATIONS})s?,?"
    r"|\b(?:thanks?|thank you|thx|ty|cheers|shout ?outs?(?: to)?|congrats(?: to)?|"
    r"congratulations(?: to)?|happy birthday(?: to)?|well done|dear|hi|hey|hello|hiya|"
    r"morning|bye|love you|miss you|cc|ask|asked|asking|tell|told|telling|email|emailed|"
    r"emailing|message|messaged|text|texted|texting|call|called|calling|ring|rang|dm|"
    r"dmed|met|meeting|with|and|invite|invited|hug|hugged|thank|blame|blamed|"
    r"ask for|according to|by|for)"
    r")\s+$",
    re.IGNORECASE,
)
#: Just after a person: speech, help, contact, company, or the name's owner of a home.
_PERSON_AFTER = re.compile(
    r"\s*(?:,\s*)?(?:"
    r"said|says|saying|told|tells|telling|texted|emailed|messaged|replied|asked|asks|"
    r"helped|helps|sorted|lent|gave|gives|left (?:her|his|their)|organised|organized|"
    r"runs|ran|works|worked|studies|studied|teaches|taught|marked|moved (?:in|out|to)|"
    r"got (?:a|an|her|his|the) |is (?:my|our|a|the) (?:\w+ )?(?:"
    rf"{_RELATIONS})|was (?:my|our)|and (?:I|me)\b|\(|from (?:my|our|the) \w+ (?:team|office|"
    r"group|class|seminar|course|department)"
    r")",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(?:she|he|her|him|his|hers|herself|himself)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?\n]")

_CONSUME = (
    r"(?:re)?watch(?:ing|ed|es)?|binge(?:d|s)?|binging|bingeing|(?:live)?stream(?:ing|ed|s)?|"
    r"listen(?:ing|ed|s)? to|play(?:ing|ed|s)?|(?:re)?read(?:ing|s)?|download(?:ing|ed|s)?|"
    r"install(?:ing|ed|s)?|updat(?:e|ed|ing)|subscribed to|order(?:ing|ed)? from|"
    r"(?:dress(?:ing|ed)? up|going|went|cosplay(?:ing|ed)?) as|humming|singing|sang|"
    r"requesting|request|covering|quoting"
)
#: Just before a thing: consumption, an article, "my", a platform's or shop's preposition.
_THING_BEFORE = re.compile(
    rf"(?:\b(?:{_CONSUME})(?:\s+(?:all of|the whole of|the new|the first|the last|some|"
    r"more|the))?"
    r"|\b(?:the|a|an|this|that|these|those|my|your|our|every|any)"
    r"|\b(?:on|outside|via|inside|near|during|throughout|through)"
    r"|\b(?:copy|copies|episodes?|seasons?|series|chapters?|volumes?|edition|sequel|cast|"
    r"fans?|tickets?|ending|finale|soundtrack|trailer) (?:of|for|to)"
    r"|\b(?:way|route|journey|commute|trains?|bus|coach|flights?|tickets?|return) "
    r"(?:(?:from )?(?:here|campus|home|uni) )?(?:to|from)"
    r"|\b(?:queues?|dinner|lunch|breakfast|brunch|drinks|coffee|table|booking|sale|deal|"
    r"discount|prices?|meet|meeting|meet up) (?:at|in)"
    r"|[#])\s*$",
    re.IGNORECASE,
)
_WORK_NOUNS = (
    r"films?|movies?|shows?|series|seasons?|episodes?|finale|sequel|prequel|trailer|"
    r"adaptation|remake|reboot|soundtrack|documentary|musical|albums?|songs?|tracks?|"
    r"singles?|lyrics|covers?|remix|playlist|gigs?|concerts?|tours?|tickets?|merch|"
    r"fans?|fandom|supporters?|games?|levels?|consoles?|controllers?|dlc|characters?|"
    r"books?|novels?|chapters?|audiobook|apps?|accounts?|subscription|update|"
    r"hoodies?|jumpers?|shirts?|scarf|trainers|bags?|bottles?|chargers?|vouchers?|"
    r"gift cards?|cards?|sale|discount|stores?|shops?|outlets?|branch|menu|meal deal|"
    r"delivery|order|fc|afc|united|city|town|rovers|athletic|wanderers|albion|county|"
    r"academical|alexandra|night|tournament|marathon|screening|quiz|party|festival|"
    r"event|social|tribute|theme|themed|energy|vibes?|core|era|impressions?|costume|"
    r"cosplay|memes?|quotes?|fancy dress|outfit"
)
#: Just after a thing: a noun of a work, a product or a club, or what machines and
#: releases do.
_THING_AFTER = re.compile(
    rf"\s*(?:['\u2019]s\s+(?:new|latest|old|first|last)\s+)?(?:{_WORK_NOUNS})\b"
    r"|\s+(?:is|was|went|keeps?|kept)\s+(?:down|crashing|offline|glitching|lagging|"
    r"buffering)\b|\s+(?:crashed|crashes|came on|comes on|comes out|came out|dropped)\b"
    r"|\s+(?:has|have|does|do)\s+(?:\d+%|(?:a\s+)?(?:student\s+)?discount|a sale)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[\"'\u2018\u201c]\s*$")
_CLOSING_QUOTE = re.compile(r"^[\"'\u2019\u201d]")
#: A title's function words joining the name to more capitals ("Tess of the d'Urbervilles").
_TITLE_JOIN = re.compile(r"\s+(?:of|of the|the|&\s+the|and\s+the|in the|on the)\s+[A-Z]")


def thing_cue(text: str, start: int, end: int) -> bool:
    """Whether a word beside ``text[start:end]`` says it is a work, a product, a club or a
    platform."""
    before = text[max(0, start - 60) : start]
    after = text[end : end + 60]
    if before.endswith("'") and after.startswith("s"):
        return False  # "Sarah's" read as a quote opening
    quoted = _QUOTED.search(before) is not None and _CLOSING_QUOTE.match(after) is not None
    return bool(
        quoted
        or _THING_BEFORE.search(before)
        or _THING_AFTER.match(after)
        or _TITLE_JOIN.match(after)
    )


def person_cue(text: str, start: int, end: int) -> bool:
    """Whether a word beside ``text[start:end]`` says it is a person: a title, a relation,
    an address, speech or help, or a personal pronoun later in its sentence."""
    before = text[max(0, start - 60) : start]
    after = text[end : end + 80]
    if _PERSON_BEFORE.search(before) or _PERSON_AFTER.match(after):
        return True
    sentence_end = _SENTENCE_END.search(after)
    rest = after[: sentence_end.start()] if sentence_end else after
    return _PRONOUN.search(rest) is not None
