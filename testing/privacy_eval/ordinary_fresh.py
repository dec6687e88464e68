"""A fourth source of ordinary texts, written for issue 13's precision work after the third.

The third source (``ordinary_more``) had been tuned on by the time this one was written,
so its false redactions no longer say how the filter does on names it has not seen. This
one has its own sentence shapes and its own names, none of them a filler of the third
source: fictional characters, brands and shops named after people, clubs, films and shows
with a person's name as their title, bands, games, apps and assistants with given names,
eponymous things ("Parkinson's", "Earl Grey"), towns and streets named after people, and
public figures (``PUBLIC_FIGURES_FRESH``, for ``privacy.allow_list``). No comment holds
personal data of a private person, so every finding in one is a false redaction. It is a
developers' set (``benchmarks/privacy_eval.py --split dev --fresh N``).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from testing.privacy_eval.labelled import LabelledText, fill


def _items(listing: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in listing.split("|"))


PUBLIC_FIGURES_FRESH: tuple[str, ...] = _items(
    "Keir Starmer | Theresa May | Liz Truss | Joe Biden | Taylor Swift | Harry Styles | "
    "Rihanna | Zendaya | Timothée Chalamet | Margot Robbie | Florence Pugh | Paul Mescal | "
    "Marcus Rashford | Harry Kane | Erling Haaland | Gary Lineker | Clare Balding | "
    "Louis Theroux | Mary Berry | Nigella Lawson | Jamie Oliver | Elon Musk | Greta Thunberg | "
    "Richard Dawkins | Chiwetel Ejiofor | Michaela Coel | Riz Ahmed | Lupita Nyong'o | "
    "Raheem Sterling | Alex Scott | Denise Lewis | Tyson Fury | Anthony Joshua | Ian Wright | "
    "Tom Grennan | Sam Fender | Lewis Capaldi | Olivia Dean"
)
_FIGURES_FRESH_SHORT = _items(
    "Starmer | Truss | Biden | Swift | Styles | Rihanna | Zendaya | Chalamet | Pugh | Mescal | "
    "Rashford | Kane | Haaland | Lineker | Theroux | Berry | Nigella | Thunberg | Dawkins | "
    "Coel | Sterling | Fury | Joshua | Capaldi | Fender"
)

_FILLERS: dict[str, tuple[str, ...]] = {
    "figure": PUBLIC_FIGURES_FRESH,
    "figure_short": _FIGURES_FRESH_SHORT,
    "character": _items(
        "Luke Skywalker | Darth Vader | Bilbo Baggins | Katniss Everdeen | Ron Weasley | "
        "Severus Snape | Albus Dumbledore | Arya Stark | Homer Simpson | Peter Parker | "
        "Bruce Wayne | Tony Stark | Indiana Jones | Forrest Gump | Jack Sparrow | "
        "Willy Wonka | Mary Poppins | Holden Caulfield | Heathcliff | Mr Rochester | "
        "Miss Havisham | Oliver Twist | Hannibal Lecter | Rick Sanchez | Michael Scott | "
        "Leslie Knope | Phoebe Buffay | Ross Geller | Saul Goodman | Don Draper | Logan Roy | "
        "Villanelle | Eve Polastri | Lisa Simpson | Shrek | Geralt of Rivia | Nathan Drake | "
        "Ellie Williams | Samwise Gamgee | Luna Lovegood | Draco Malfoy | Ned Stark | "
        "Cersei Lannister | Tracy Beaker | Peppa Pig | Fireman Sam | Bob the Builder | "
        "Postman Pat | Noddy"
    ),
    "brand": _items(
        "Selfridges | Debenhams | Burberry | Stella McCartney | Vivienne Westwood | "
        "Alexander McQueen | Dr. Martens | Clarks | Levi's | Christian Dior | Coco Chanel | "
        "Louis Vuitton | Estée Lauder | Charlotte Tilbury | Jo Malone | Molton Brown | "
        "Holland & Barrett | Cadbury | Heinz | Kellogg's | Mr Kipling | McVitie's | "
        "Ferrero Rocher | Jack Daniel's | Johnnie Walker | Captain Morgan | Dyson | "
        "Ford | Mercedes | Ferrari | Lamborghini | Tesla | Morrisons | Sainsbury | "
        "Dorothy Perkins | Miss Selfridge | Laura Ashley | Karen Millen | Phase Eight"
    ),
    "eatery": _items(
        "McDonald's | Domino's | Carluccio's | Prezzo | Byron | Itsu | Costa | Starbucks | "
        "Harris + Hoole | Patisserie Valerie | Côte | Jamie's Italian | Mowgli | Chipotle | "
        "Wingstop | Popeyes | Dunkin' | Hotel Chocolat | Pizza Express | Tortilla | "
        "Greggs on Oxford Road | Browns | Turtle Bay | Zaza | Taco Bell"
    ),
    "team": _items(
        "Manchester United | Arsenal | Chelsea | Everton | Newcastle United | West Ham | "
        "Brighton | Wolves | Brentford | Fulham | Leeds United | Sunderland | Middlesbrough | "
        "Rangers | Aberdeen | Hibernian | Norwich City | Ipswich Town | Stoke City | "
        "Burnley | Preston North End | Plymouth Argyle | Bristol Rovers | Exeter Chiefs | "
        "Sale Sharks | Wigan Warriors | St Helens | Real Madrid | Bayern Munich | "
        "Juventus | Inter Miami | Boston Celtics | Chicago Bulls | McLaren | Williams"
    ),
    "film": _items(
        "Inception | Interstellar | Titanic | Gladiator | Skyfall | Notting Hill | "
        "Love Actually | Mamma Mia! | Frozen | Encanto | Moana | Coco | Jurassic Park | "
        "The Godfather | Pulp Fiction | Parasite | Spirited Away | Top Gun: Maverick | "
        "Napoleon | Elvis | Rocketman | Judy | Jackie | Amélie | Annie | Carol | Rebecca | "
        "Rocky | Juno | Lady Bird | Forrest Gump | Billy Elliot | Bend It Like Beckham"
    ),
    "show": _items(
        "Killing Eve | The Office | Friends | Breaking Bad | Better Call Saul | "
        "Game of Thrones | Stranger Things | Squid Game | The Bear | Severance | "
        "Slow Horses | Happy Valley | EastEnders | Coronation Street | Hollyoaks | "
        "Gogglebox | Taskmaster | The Traitors | Brooklyn Nine-Nine | Schitt's Creek | "
        "Ginny & Georgia | Emily in Paris | Sex Education | Luther | Poldark | "
        "Vera | Shetland | Grey's Anatomy | Sherlock | Frasier | Dexter | Hannah Montana | "
        "Gilmore Girls | Ally McBeal | Mrs Brown's Boys"
    ),
    "game": _items(
        "Grand Theft Auto | Red Dead Redemption | The Witcher 3 | Halo | Tetris | "
        "Super Mario | Sonic | Tomb Raider | Uncharted | God of War | Hades | Among Us | "
        "Rocket League | Overwatch | FIFA | Football Manager | Hogwarts Legacy | "
        "Street Fighter | Tekken | Final Fantasy | Resident Evil | Crash Bandicoot | "
        "Spyro | Kirby | Donkey Kong | Luigi's Mansion"
    ),
    "app": _items(
        "WhatsApp | Snapchat | Instagram | TikTok | Spotify | Netflix | Tinder | Bumble | "
        "Zoom | Slack | Outlook | Dropbox | Turnitin | Panopto | Mentimeter | Kahoot | "
        "Quizlet | Anki | Starling | Klarna | Vinted | Depop | Gumtree | SpareRoom | "
        "Cortana | Bixby | Perplexity | Jasper | Otter | Ada Health"
    ),
    "band": _items(
        "Oasis | The Beatles | The Rolling Stones | Queen | Pink Floyd | Fleetwood Mac | "
        "The Smiths | Joy Division | Pulp | The Cure | Massive Attack | Elbow | "
        "Biffy Clyro | Snow Patrol | Kasabian | The Killers | Bombay Bicycle Club | "
        "Franz Ferdinand | Mumford & Sons | Belle and Sebastian | Simply Red | Jethro Tull | "
        "Marina and the Diamonds | Hozier | Rudimental | Stereophonics"
    ),
    "eponym": _items(
        "Parkinson's | Alzheimer's | Tourette's | Asperger's | Crohn's | Hodgkin lymphoma | "
        "the Heimlich manoeuvre | a Petri dish | a Bunsen burner | the Doppler effect | "
        "the Higgs boson | a Ferris wheel | a Rubik's Cube | Earl Grey | Beef Wellington | "
        "a Victoria sponge | Eggs Benedict | a Caesar salad | Granny Smith apples | "
        "Moore's law | Murphy's law | Occam's razor | Hooke's law | Ohm's law | "
        "Schrödinger's cat | the Dunning-Kruger effect | Pascal's triangle | Bloom's taxonomy | "
        "Maslow's hierarchy | the Harvard referencing style"
    ),
    "town": _items(
        "Jacksonville | Madison | Jackson | Eugene | Vancouver | Marseille | St Louis | "
        "San Diego | San Jose | Santa Monica | St Petersburg | Port Elizabeth | Elgin | "
        "Peterborough | Huddersfield | Bolton | Warrington | Stockport | Wigan | Blackpool | "
        "Aberystwyth | Bangor | Inverness | Galway | Cork | Limerick | Lyon | Turin | Porto | "
        "Krakow | Gdansk | Kolkata | Chennai | Jaipur | Abuja | Ibadan | Kumasi | Kampala | "
        "Shenzhen | Chengdu | Penang | Cebu | Medellín | Victoria | Alice Springs"
    ),
    "street": _items(
        "Regent Street | Charlotte Street | Victoria Street | George Street | Queen Street | "
        "Grey Street | Lord Street | Bute Street | Albert Road | Portobello Road | "
        "Brick Lane | Dale Street | Hanover Square | Princess Parkway | Cathedral Road"
    ),
    "course": _items(
        "Thermodynamics | Romantic Poetry | Econometrics | Developmental Psychology | "
        "Roman Law | Cell Biology | Linear Algebra | Computer Vision | Postcolonial Theory | "
        "Public Health | Astrophysics | Jurisprudence | Music Technology | Neuroscience"
    ),
    "place": _items(
        "the SU | the library | the gym | the Students' Union bar | the sports centre | "
        "the chaplaincy | the careers service | the medical school | the art gallery"
    ),
    "weekday": _items("Mondays | Tuesday | Wednesday night | Thursday | Friday | the weekend"),
    "month": _items("Jan | Feb | March | spring | the summer | Sept | Oct | Nov | Dec"),
    "money": _items("£2 | £5.99 | £18 | £30 | £75 | £120 | €15 | $25"),
    "emoji": _items(
        "\U0001f923 | \U0001f62d | \U0001f973 | \U0001f44f | \U0001f4af | \U0001f49c | \U0001f92f"
    ),
}

_TEMPLATES = _items(
    "Me after one seminar on {course}: basically {character} now {emoji}"
    " | Rewatching {film} instead of revising {course}, no regrets"
    " | Who else thinks {character} was the real villain all along?"
    " | Fancy dress theme is {show}, I'm going as {character}"
    " | {character} energy in the {place} today"
    " | Quote of the day from {character} on the whiteboard in {place}"
    " | Can't believe {show} is ending, {character} deserved a better finale"
    " | Essay on {character} in {course} due {weekday}, send help"
    " | {brand} has 20% off with a student card this week"
    " | Got my graduation outfit from {brand} for {money}"
    " | Is the {brand} outlet worth the bus ride?"
    " | Bought a {brand} hoodie and it already has a hole \U0001f644"
    " | {eatery} delivery to halls took an hour again"
    " | Meal deal at {eatery} is {money} now, robbery"
    " | Meet outside {eatery} at 7 before the quiz?"
    " | {team} fans, the SU bar is showing the match on {weekday}"
    " | {team} 2 {team} 1, what a game"
    " | Up the {team}! {emoji}"
    " | Watched {team} lose again, I need a hug"
    " | {team} scarf left in the {place}, ask at reception"
    " | Film club is showing {film} on {weekday}, free popcorn"
    " | Cried three times during {film} {emoji}"
    " | {film} is so much better than the sequel"
    " | Anyone seen {film}? Worth {money} at the Odeon?"
    " | Binged all of {show} in one night, zero regrets"
    " | {show} watch party in the common room on {weekday}"
    " | The new series of {show} is out and nobody is doing their readings"
    " | Stayed up till 4 playing {game} {emoji}"
    " | {game} night in the {place} on {weekday}, bring controllers"
    " | Selling my copy of {game} for {money}, DM me"
    " | {app} keeps crashing during the {course} quiz"
    " | Does {app} work on the campus wifi?"
    " | Asked {app} for help with {course} and got nonsense back"
    " | {band} tribute night at the SU on {weekday}"
    " | {band} tickets went in four minutes {emoji}"
    " | Listening to {band} on repeat all through exam season"
    " | Raising money for {eponym} research this {month}, link in bio"
    " | {course} lecturer spent an hour on {eponym} today"
    " | Honestly {eponym} explains half of my group project"
    " | Baking society made {eponym} for the cake sale {emoji}"
    " | Placement in {town} over {month}, any tips?"
    " | Cheapest way from here to {town} for reading week?"
    " | Is it true {town} has the best student nightlife?"
    " | Flat hunting near {street} for {month}, prices are mad"
    " | The coffee place on {street} does a {money} student breakfast"
    " | {figure} was on the radio talking about student loans"
    " | Did anyone catch {figure} on the news last night?"
    " | {figure_short} has a point about tuition fees tbh"
    " | Not {figure_short} trending again {emoji}"
    " | The SU is screening the {figure_short} documentary on {weekday}"
)
_SHOUTED_TEMPLATES = _items(
    "{team} TILL I DIE {emoji}"
    " | {character} IS THE BEST CHARACTER AND I WILL NOT BE TAKING QUESTIONS"
    " | {band} AT THE SU ON {weekday}!!!"
    " | WHO ATE ALL THE {brand} BISCUITS IN THE OFFICE"
    " | {film} WON AND I AM SCREAMING"
    " | {app} IS DOWN AGAIN"
)
_LOWERCASE_TEMPLATES = _items(
    "{character} would ace {course} tbh"
    " | ngl {film} made me cry"
    " | {team} are a joke this season"
    " | just got a {brand} voucher for my birthday {emoji}"
    " | {eatery} at 2am hits different"
    " | is {show} worth starting or nah"
    " | {game} tournament anyone"
    " | {band} album on repeat"
    " | moving to {town} in {month} for my placement"
    " | {figure_short} on the telly again"
)

_TEMPLATE_CASES: tuple[tuple[str, Callable[[str], str]], ...] = (
    *((template, str) for template in _TEMPLATES),
    *((template, str.upper) for template in _SHOUTED_TEMPLATES),
    *((template, str.lower) for template in _LOWERCASE_TEMPLATES),
)
#: The templates as written (before any change of case), in the order they are numbered.
TEMPLATES_FRESH: tuple[str, ...] = tuple(template for template, _ in _TEMPLATE_CASES)
#: Every filler value, for tests that keep this set apart from the others.
FILLER_VALUES_FRESH: tuple[str, ...] = tuple(
    value for values in _FILLERS.values() for value in values
)


def fresh_ordinary_texts(count: int, seed: int = 13) -> list[LabelledText]:
    """``count`` ordinary comments (no spans), named ``fresh/F07`` after their template;
    the same ``count`` and ``seed`` give the same texts."""
    rng = random.Random(seed)

    def value_for(slot: str, variant: str | None) -> str:
        return rng.choice(_FILLERS[slot])

    texts = []
    for _ in range(count):
        index = rng.randrange(len(_TEMPLATE_CASES))
        template, change_case = _TEMPLATE_CASES[index]
        text, _ = fill(template, value_for)
        texts.append(LabelledText(change_case(text), (), "fresh", f"fresh/F{index + 1:02d}"))
    return texts


def listed_fresh() -> tuple[str, ...]:
    """What a university would put in ``privacy.allow_list`` for these texts: the public
    figures named."""
    return PUBLIC_FIGURES_FRESH
