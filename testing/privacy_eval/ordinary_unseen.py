"""A held-apart check for telling a person from a named thing: ordinary comments and
comments about people in the same sentence shapes.

Written for issue 13's last precision goal before anything was measured on it, and run
only at the end of that work (``benchmarks/privacy_eval.py --split unseen``). Every
earlier ordinary set had been looked at while the filter was tuned; this one has its own
songs, books, films, shows, characters, assistants, brands, eateries, teams, towns,
storms, eponyms and mascots, none of them a filler of ``ordinary_more`` or
``ordinary_fresh``, and its own templates.

Half of the texts are ordinary (source ``unseen``, no span: every finding is a false
redaction) and half name private people (source ``personal``, every name labelled) in the
same kinds of sentences: beside songs, films, brands and teams, after "watching … with",
"listening to", "asked", and with given names that are also the names of things
("Charlotte", "Jolene", "Alexa", "Rocky"). A filter that tells things from people by
their context keeps these names; one that drops a name because a thing shares it does
not. Names come from Faker locales used by neither evaluation family.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from testing.privacy_eval.labelled import LabelledText, fill
from testing.privacy_eval.people import NameMaker, NamePool, name_pools


def _items(listing: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in listing.split("|"))


#: Faker locales of the people named: none is a locale of the dev or report family.
NAME_LOCALES = (
    "nl_NL",
    "tr_TR",
    "vi_VN",
    "cs_CZ",
    "hu_HU",
    "tw_GH",
    "id_ID",
    "ja_JP",
    "sv_SE",
    "en_NZ",
    "fi_FI",
    "sw",
)
PUBLIC_FIGURES_UNSEEN: tuple[str, ...] = _items(
    "Angela Rayner | Kemi Badenoch | Ed Davey | Boris Johnson | Jeremy Hunt | "
    "Emma Watson | Tom Holland | Daniel Radcliffe | Olivia Colman | Judi Dench | "
    "Stephen Fry | Graham Norton | Greg James | Lucy Letby | Gareth Southgate | "
    "Katie Boulter | Jess Phillips | Yvette Cooper"
)
_FIGURES_UNSEEN_SHORT = _items(
    "Rayner | Badenoch | Davey | Johnson | Hunt | Watson | Radcliffe | Colman | Dench | "
    "Norton | Southgate | Boulter | Phillips | Cooper"
)
#: Given names that are also the names of songs, films, assistants, towns or characters.
THINGLIKE_GIVEN_NAMES = _items(
    "Judy | Rocky | Alexa | Claude | Charlotte | Victoria | Austin | Florence | Savannah | "
    "Madison | Jackson | Chelsea | Georgia | Sydney | Paris | Carol | Annie | Rebecca | "
    "Juno | Luna | Jolene | Valerie | Layla | Emma | Matilda | Harriet | Ray | Ali | Hugo | "
    "Lucy | Siri | Elsa | Ariel | Belle | Jasmine | Penny | Eugene | Lincoln | Adelaide | "
    "Regina | Aurora | Tyler | Stanley | Douglas | Roxanne | Delilah | Gloria | Caroline"
)

_FILLERS: dict[str, tuple[str, ...]] = {
    "figure": PUBLIC_FIGURES_UNSEEN,
    "figure_short": _FIGURES_UNSEEN_SHORT,
    "song": _items(
        "Jolene | Roxanne | Layla | Hey Jude | Eleanor Rigby | Billie Jean | Valerie | "
        "Angie | Mrs Robinson | Delilah | Gloria | Michelle | Sweet Caroline | Rosanna | "
        "Dancing Queen | Mr Brightside | Wonderwall | Come On Eileen | Proud Mary | "
        "Ruby | Jessie's Girl | Stan | Alejandro | Dear Prudence | Lola"
    ),
    "book": _items(
        "Emma | Coraline | Carrie | Ulysses | Beloved | Silas Marner | Mansfield Park | "
        "Nicholas Nickleby | Tess of the d'Urbervilles | Daisy Jones & the Six | "
        "Eleanor Oliphant Is Completely Fine | "
        "Little Women | Brideshead Revisited | Jude the Obscure | "
        "The Secret History | Circe | Shuggie Bain | Klara and the Sun"
    ),
    "film": _items(
        "Carrie | Erin Brockovich | Edward Scissorhands | Donnie Darko | "
        "Being John Malkovich | Marley & Me | Paul | Ted | M3GAN | Lucy | Hugo | Ray | "
        "Ali | Selma | Harriet | Frida | Spencer | Tár | Priscilla | Maestro | Joker | "
        "Bohemian Rhapsody | Mrs Doubtfire | Legally Blonde | Mean Girls | Shrek 2"
    ),
    "show": _items(
        "Jessica Jones | Veronica Mars | Lucifer | Monk | House | Columbo | Sabrina | "
        "Doc Martin | Miranda | Ackley Bridge | Kath & Kim | Marcella | "
        "Inside No. 9 | Mr Bates vs The Post Office | Baby Reindeer | Ghosts | Bluey | "
        "Midsomer Murders | Father Ted | Motherland | The Inbetweeners | Yellowjackets"
    ),
    "character": _items(
        "Lisbeth Salander | Jo March | Anne Shirley | Tintin | Asterix | Mr Tumnus | Aslan | "
        "Lyra Belacqua | Jack Reacher | Jack Ryan | Ethan Hunt | Ellen Ripley | "
        "Sarah Connor | Marge Simpson | BoJack Horseman | Rick Grimes | Daryl Dixon | "
        "Carmela Soprano | Olivia Benson | Meredith Grey | Ted Mosby | Jessica Fletcher | "
        "Inspector Morse | Jeeves | Bertie Wooster | Victor Meldrew | Hyacinth Bucket | "
        "Elle Woods | Regina George | Cady Heron | Elsa | Olaf | Mulan | Ariel | Belle | "
        "Woody | Nemo | Dory | Gru | Penny | Hermione"
    ),
    "assistant": _items(
        "Grok | Watson | Cleo | Erica | Replika | Google Assistant | Bing Chat | Pi | Jarvis | "
        "Bard | Tay | Eliza"
    ),
    "app": _items(
        "Strava | Splitwise | Headspace | Calm | Goodreads | Letterboxd | "
        "Shazam | Waze | Yuka | Flo | Olio | Tandem | Forest"
    ),
    "brand": _items(
        "Hobbs | Reiss | Jigsaw | Oliver Bonas | Joules | Barbour | Kurt Geiger | "
        "Russell Hobbs | Morphy Richards | Kenwood | Hotpoint | Hoover | Uncle Ben's | "
        "Mr Muscle | Dr Pepper | Lyle & Scott | Ray-Ban | Mary Kay | Nina Ricci | "
        "Jean Paul Gaultier | Carolina Herrera | Abercrombie & Fitch | Hollister | "
        "Fortnum & Mason | Stella Artois | Jameson | Jim Beam | Baileys | Tia Maria | "
        "Charles Tyrwhitt | T.M. Lewin | Kiehl's | Aesop | Lush"
    ),
    "eatery": _items(
        "Shake Shack | Ask Italian | Pizza Hut | Little Caesars | Chick-fil-A | Nando's Express | "
        "Bill's | Gourmet Burger Kitchen | Pho | Yo! Sushi | Giraffe | Las Iguanas | "
        "Wahaca | Rosa's Thai | Barburrito | German Doner Kebab | Morley's | Sam's Chicken | "
        "Roosters Piri Piri | Benugo"
    ),
    "team": _items(
        "Charlton Athletic | Stoke | Derby County | Coventry City | Bristol City | "
        "Cardiff City | Lincoln City | Crewe Alexandra | Forest Green Rovers | "
        "Port Vale | Tranmere Rovers | Hamilton Academical | St Mirren | Leinster | "
        "Munster | Gloucester | Atlético Madrid | Sevilla | Napoli | Lazio | PSV | "
        "Galatasaray | Boca Juniors | Dallas Cowboys | Green Bay Packers | Denver Broncos | "
        "Houston Rockets | Alpine | Haas"
    ),
    "town": _items(
        "Savannah | Alexandria | Aurora | Tyler | Regina | Douglas | Stanley | Raleigh | "
        "Marietta | Virginia Beach | Carolina | Louisiana | Elizabeth | Kingston | "
        "Augusta | Marion | Beverley | Kimberley | Shirley"
    ),
    "storm": _items(
        "Storm Ciarán | Storm Babet | Storm Isha | Storm Arwen | Storm Eunice | "
        "Storm Dennis | Storm Agnes | Storm Henk | Storm Jocelyn | Storm Kathleen | "
        "Storm Bert | Storm Darragh | Storm Éowyn | Hurricane Katrina | Hurricane Sandy"
    ),
    "eponym": _items(
        "Kaplan-Meier curves | Bayes' theorem | Euler's identity | Fibonacci numbers | "
        "Avogadro's number | Newton's cradle | the Turing test | the Hubble constant | "
        "the Pareto principle | the Gini coefficient | a Likert scale | Student's t-test | "
        "Fisher's exact test | the Mann-Whitney test | Spearman's rho | Dijkstra's algorithm | "
        "a Gantt chart | a Venn diagram | Morse code | Braille | the Bechdel test | "
        "Stockholm syndrome | the Mandela effect | the Rorschach test | Myers-Briggs | "
        "the Kübler-Ross model | Hadley cells | a Stanley knife | a Jacuzzi | a Pavlova | "
        "Peach Melba | a Bakewell tart | a Bloody Mary"
    ),
    "mascot": _items(
        "Larry the Downing Street cat | Dolly the sheep | Boaty McBoatface | "
        "Colin the Caterpillar | Percy Pig | Paul the Octopus | Hachiko | Laika | "
        "Harambe | Henry the Hoover"
    ),
    "course": _items(
        "Epidemiology | Medieval Latin | Corporate Finance | Social Anthropology | "
        "Fluid Dynamics | Criminal Law | Genetics | Urban Planning | Phonetics | "
        "Organisational Behaviour | Game Design"
    ),
    "place": _items(
        "the SU café | the quiet study room | the Union bar | the computer lab | "
        "the lost property office | the bus stop outside halls | the student hub"
    ),
    "weekday": _items("Monday | Tuesday night | Wednesday | Thursday | Friday | Saturday"),
    "month": _items("January | April | May | June | July | August | September | October"),
    "emoji": _items(
        "\U0001f602 | \U0001f62d | \U0001f525 | \U0001f64c | \U0001f914 | \U0001f60d | \U0001f480"
    ),
}

#: Comments with no personal data.
_ORDINARY = _items(
    "Can't stop humming {song} since the karaoke night"
    " | {song} came on in the SU and the whole room sang along"
    " | Whoever keeps requesting {song} at the silent disco, I respect you"
    " | Karaoke tonight, someone has to do {song}"
    ' | Our society\'s reading of "{book}" is on {weekday}'
    " | Finally read {book} for the book club, the ending got me"
    " | Is {book} on the reading list for {course} or just recommended?"
    " | The library has three copies of {book} and all are out"
    " | The {book} adaptation is coming out in {month}"
    " | Movie night pick: {film} or something lighter?"
    " | {film} on the big screen at the SU cinema this {weekday}"
    " | Just finished {film}, why did nobody warn me about the ending"
    " | Started {show} last night and already on episode six"
    " | {show} spoilers in the group chat, I'm leaving"
    " | The {show} finale was a letdown honestly"
    " | Streaming {show} on the library computers should be banned tbh"
    " | My housemate does a perfect {character} impression"
    " | Dressed as {character} for the Halloween social {emoji}"
    " | {character} would never put up with this reading list"
    " | Wrote my dissertation chapter on {character} and the unreliable narrator"
    " | Told {assistant} to set an alarm and it set it for the wrong day"
    " | Hey {assistant}, write my {course} essay (joke, obviously)"
    " | {assistant} gave me a better explanation of {eponym} than my lecturer"
    " | Is using {assistant} for revision allowed under the new policy?"
    " | Downloaded {app} for the {course} group project, it's actually useful"
    " | {app} says I walked 20k steps between lectures today"
    " | The {brand} in town has a student night on {weekday}"
    " | Queue outside {brand} went round the block for the sale"
    " | Got a {brand} gift card and no idea what to buy"
    " | Whose {brand} water bottle is in lost property?"
    " | The {eatery} by the bus station is closing down, end of an era"
    " | Team dinner at {eatery}, book for twelve please"
    " | Is {eatery} doing the student discount still?"
    " | Ordered from {eatery} and they forgot the chips"
    " | {team} away this {weekday}, coach leaves from the SU at 9"
    " | Any {team} supporters want to watch the derby together?"
    " | {team} were robbed last night, that penalty was never a foul"
    " | Five-a-side team name ideas that aren't just {team} puns"
    " | Internship in {town} this summer, where do students live?"
    " | Conference trip to {town} got cancelled, gutted"
    " | Anyone from {town}? Need tips for the visa office"
    " | {storm} has taken half the fences down on campus"
    " | Lectures cancelled because of {storm}, stay safe everyone"
    " | Trains to the coast are off again thanks to {storm}"
    " | Spent the entire stats lab on {eponym} and I still don't get it"
    " | Revision flashcards for {eponym} anyone?"
    " | Our seminar leader says {eponym} is on the exam"
    " | {mascot} made the front page of the local paper again"
    " | Petition to get a statue of {mascot} outside the library"
    " | {figure} is speaking at the Union debate next month"
    " | Saw {figure} filming on the high street today"
    " | Apparently {figure_short} studied here in the nineties"
    " | '{song}' is the best opening track ever, fight me"
)
_ORDINARY_SHOUTED = _items(
    "{song} AT 3AM IN HALLS AGAIN | {team} ARE GOING DOWN | {character} DESERVED BETTER"
)
_ORDINARY_LOWER = _items(
    "{assistant} is down again?? | rewatching {film} for the fifth time"
    " | {town} in {month} was unreal | {storm} knocked out the wifi lol | {mascot} supremacy"
)

#: Comments that name private people, in the same kinds of sentences.
_PERSONAL = _items(
    "Can't stop laughing at {PERSON:first} singing {song} at karaoke night"
    " | {PERSON} sang {song} in the SU and the whole room joined in"
    " | Whoever lent {PERSON:thinglike} the aux cable, she played {song} all night"
    " | Finally gave {book} back to {PERSON}, she'd been asking for weeks"
    " | {PERSON} has the library's only copy of {book}, please return it"
    " | Movie night at {PERSON:first}'s flat: {film} or something lighter?"
    " | Watched {film} with {PERSON} and she cried twice"
    " | {PERSON:first} still hasn't seen {show}, I'm staging an intervention"
    " | {show} spoilers from {PERSON} in the group chat, I'm leaving"
    " | My housemate {PERSON} does a perfect {character} impression"
    " | {PERSON} dressed as {character} for the Halloween social {emoji}"
    " | {PERSON:thinglike} wrote her dissertation chapter on {character}"
    " | Asked {PERSON:first} to set up the projector and it worked first time"
    " | {PERSON} explained {eponym} better than the lecturer did"
    " | Told {PERSON:first} the seminar moved, she never got the email"
    " | {PERSON} from the {brand} on the high street found my lost card"
    " | Bumped into {PERSON} in the queue outside {brand}"
    " | {PERSON:first} got me a {brand} gift card for my birthday {emoji}"
    " | Team dinner at {eatery}, {PERSON:first} booked for twelve"
    " | {PERSON} works at {eatery} by the bus station and gave us free chips"
    " | {PERSON} is captain of our five-a-side now, {team} fan through and through"
    " | Watching the {team} game at {PERSON:first}'s on {weekday}"
    " | {PERSON} got a summer internship in {town}, so proud"
    " | Anyone know {PERSON}? She's from {town} and lost her lanyard"
    " | {PERSON:first} drove us back through {storm}, absolute hero"
    " | Revision session with {PERSON} on {eponym} tomorrow"
    " | {PERSON}'s flashcards for {eponym} are the best"
    " | Saw {PERSON} from my {course} seminar on the high street"
    " | {PERSON:first} downloaded {app} for our group project, lifesaver"
    " | {PERSON} is running the karaoke on {weekday}"
    " | Our tutor {PERSON} marked the essays in a day"
    " | Emailed {PERSON} about the extension, no reply yet"
    " | Playing pool with {PERSON:first} until 3am again"
    " | Listening to {PERSON} rant about {show} for an hour"
    " | Ordered from {eatery} with {PERSON} and they forgot the chips"
    " | My flatmate {PERSON:thinglike} binged {show} in one night"
    " | {PERSON:thinglike} from my seminar group lent me her notes"
    " | {PERSON:thinglike} said the deadline moved to {weekday}"
    " | Huge thanks to {PERSON:thinglike} for organising the quiz"
    " | Has anyone seen {PERSON:thinglike}? Her phone is in {place}"
    " | {PERSON:thinglike_full} is the new president of the {course} society"
    " | Congrats to {PERSON:thinglike_full} on the first-class degree!"
    " | Dr {PERSON:surname} moved the {course} lecture again"
    " | {PERSON} told me {figure_short} studied here"
    " | Happy birthday {PERSON:first}!! {emoji}"
    " | {PERSON}'s cat is the real star of our flat"
    " | Ask {PERSON:thinglike} in {place}, she knows where it went"
    " | Going to {town} with {PERSON} in {month}"
    " | Lost a bet to {PERSON:first}, now I have to wear a {team} shirt"
)
_PERSONAL_SHOUTED = _items(
    "{PERSON} AT 3AM IN HALLS AGAIN | {PERSON:thinglike} DESERVED THAT AWARD"
)
_PERSONAL_LOWER = _items(
    "{PERSON:lower} is the best seminar leader ngl | thanks {PERSON:first} for the notes!!"
    " | {PERSON:thinglike} in {month} was unreal"
)

_ORDINARY_CASES: tuple[tuple[str, Callable[[str], str]], ...] = (
    *((template, str) for template in _ORDINARY),
    *((template, str.upper) for template in _ORDINARY_SHOUTED),
    *((template, str.lower) for template in _ORDINARY_LOWER),
)
_PERSONAL_CASES: tuple[tuple[str, Callable[[str], str]], ...] = (
    *((template, str) for template in _PERSONAL),
    *((template, str.upper) for template in _PERSONAL_SHOUTED),
    *((template, str.lower) for template in _PERSONAL_LOWER),
)
#: The templates as written, in the order they are numbered (U01…, P01…).
TEMPLATES_UNSEEN: tuple[str, ...] = tuple(template for template, _ in _ORDINARY_CASES)
PERSONAL_TEMPLATES_UNSEEN: tuple[str, ...] = tuple(template for template, _ in _PERSONAL_CASES)
#: Every filler value, for tests that keep this set apart from the others.
FILLER_VALUES_UNSEEN: tuple[str, ...] = tuple(
    value for values in _FILLERS.values() for value in values
)


def name_pools_unseen() -> tuple[NamePool, ...]:
    return name_pools(NAME_LOCALES, frozenset())


class _Values:
    """The value of each slot: fillers, and names drawn as people write them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names = NameMaker(name_pools_unseen(), rng)

    def __call__(self, slot: str, variant: str | None) -> str:
        if slot != "PERSON":
            return self.rng.choice(_FILLERS[slot])
        if variant == "first":
            return self.names.first()
        if variant == "surname":
            return self.names.pair()[1]
        if variant == "thinglike":
            return self.rng.choice(THINGLIKE_GIVEN_NAMES)
        if variant == "thinglike_full":
            return f"{self.rng.choice(THINGLIKE_GIVEN_NAMES)} {self.names.pair()[1]}"
        return self.names.full(variant)


def unseen_texts(count: int, seed: int = 17) -> list[LabelledText]:
    """``count`` comments, half ordinary (``unseen/U07``, source ``unseen``) and half
    naming people (``unseen/P07``, source ``personal``, names labelled); the same
    ``count`` and ``seed`` give the same texts."""
    rng = random.Random(seed)
    value_for = _Values(rng)
    texts = []
    for number in range(count):
        personal = number % 2 == 1
        cases = _PERSONAL_CASES if personal else _ORDINARY_CASES
        index = rng.randrange(len(cases))
        template, change_case = cases[index]
        text, spans = fill(template, value_for)
        letter = "P" if personal else "U"
        texts.append(
            LabelledText(
                change_case(text),
                spans,
                "personal" if personal else "unseen",
                f"unseen/{letter}{index + 1:02d}",
            )
        )
    return texts


def listed_unseen() -> tuple[str, ...]:
    """What a university would put in ``privacy.allow_list`` for these texts: the public
    figures named."""
    return PUBLIC_FIGURES_UNSEEN
