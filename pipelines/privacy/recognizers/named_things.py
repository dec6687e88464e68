"""Names that name a thing, not a person in the text: a character, a brand, a club, a film.

Ordinary comments name fictional characters ("Harry Potter would never survive a
seminar"), shops and brands named after their founders ("the Ted Baker sale"), clubs
("Aston Villa fans"), films and shows with a person's name as their title ("Binged all
of Luther"), bands, games and apps. A name model reads all of them as people. A
``PERSON`` finding is dropped here when

* its words lie within a listed thing (``NAMED_THINGS``, written for this project from
  general knowledge; no list is copied): case does not matter ("roy kent", "ROY KENT"),
  a possessive or a common word beside it ("Rewatching Forrest Gump") does not either;
  a private person's namesake with another word in the name stays ("Harry Potter-Smith"
  is not "Harry Potter"). Only distinctive names are listed: a brand or club named by one
  common given name or surname ("Ford", "Chelsea", "Williams") is left to the cues;
* a cue next to it says it names a thing: a word after it ("… fans", "… tickets",
  "… album", "… sequel", "… outlet", "… 's law"), a verb before it ("watching …",
  "binged all of …", "dressing up as …", "listening to …"), a fixture ("… v …",
  "… 2 … 1"), or a place's first word ("San Diego", "Port Elizabeth", "St Helens").
  A possessive name ("Sarah's album") is a person's and only the "law" kind of words
  after a surname ("Moore's law", "Parkinson's disease") count ("Sarah's law essay" is
  Sarah's); so do the kinds of words around it that ``name_context`` reads (a verb of
  consumption before it, a noun of a work or a product after it, an article, quotes, …).

Every cue gives way to a person cue (``name_context.person_cue``: a title, a relation,
thanks, speech, a pronoun): "Listening to Zorba rant, she is right" keeps Zorba. Only the
list does not give way.
"""

from __future__ import annotations

import re
from functools import cache

from wordfreq import zipf_frequency

from pipelines.privacy.ner.prefilter import opens_sentence
from pipelines.privacy.recognizers.name_context import person_cue, thing_cue

#: A word this frequent in English (Zipf scale) that is no name may open a name model's span
#: without being part of the name ("Rewatching Skyfall", "ngl coco", "saw Djokovic").
_PLAIN_WORD_ZIPF = 2.7


def _listing(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split("|") if item.strip())


#: Fictional characters by their full names or by names nobody is given (a full name
#: that many people carry, such as "Peter Parker" or "Walter White", is left out).
CHARACTERS = _listing(
    """
    Harry Potter | Hermione Granger | Ron Weasley | Ginny Weasley | Fred Weasley |
    George Weasley | Albus Dumbledore | Dumbledore | Severus Snape | Draco Malfoy |
    Lord Voldemort | Voldemort | Rubeus Hagrid | Hagrid | Luna Lovegood | Neville Longbottom |
    Sirius Black | Bellatrix Lestrange | Minerva McGonagall | Frodo Baggins | Frodo |
    Bilbo Baggins | Samwise Gamgee | Gandalf | Aragorn | Legolas | Gimli | Gollum | Sauron |
    Galadriel | Luke Skywalker | Anakin Skywalker | Darth Vader | Han Solo | Princess Leia |
    Obi-Wan Kenobi | Yoda | Chewbacca | Kylo Ren | Boba Fett | Jon Snow | Arya Stark |
    Sansa Stark | Ned Stark | Robb Stark | Bran Stark | Tyrion Lannister | Cersei Lannister |
    Jaime Lannister | Daenerys Targaryen | Khaleesi | Joffrey Baratheon | Sherlock Holmes |
    Hercule Poirot | Miss Marple | James Bond | Elizabeth Bennet |
    Lizzie Bennet | Mr Darcy | Fitzwilliam Darcy | Jane Eyre | Mr Rochester | Heathcliff |
    Catherine Earnshaw | Miss Havisham | Oliver Twist | Ebenezer Scrooge | Scrooge |
    Tiny Tim | David Copperfield | Jay Gatsby | Gatsby | Daisy Buchanan | Holden Caulfield |
    Atticus Finch | Scout Finch | Dorian Gray | Mrs Dalloway | Anna Karenina | Emma Woodhouse |
    Jane Bennet | Bridget Jones | Mr Bean | Paddington | Paddington Bear | Winnie the Pooh |
    Peter Rabbit | Peter Pan | Tinker Bell | Captain Hook | Mary Poppins | Willy Wonka |
    Charlie Bucket | Matilda Wormwood | Miss Trunchbull | Roald Dahl's BFG | Gruffalo |
    Wallace and Gromit | Gromit | Shaun the Sheep | Postman Pat | Fireman Sam |
    Bob the Builder | Peppa Pig | George Pig | Noddy | Thomas the Tank Engine | Tracy Beaker |
    Horrid Henry | Mr Men | Sonic the Hedgehog | Super Mario | Mario Kart | Princess Peach |
    Bowser | Donkey Kong | Lara Croft | Master Chief | Nathan Drake |
    Geralt of Rivia | Geralt | Kratos | Solid Snake | Pikachu | Ganon |
    Jesse Pinkman | Saul Goodman | Tony Soprano | Don Draper | Logan Roy |
    Kendall Roy | Roman Roy | Shiv Roy | Tommy Shelby | Arthur Shelby | Ted Lasso | Roy Kent |
    Jamie Tartt | Fleabag | Villanelle | Eve Polastri | David Brent |
    Jim Halpert | Pam Beesly | Dwight Schrute | Leslie Knope | Ron Swanson | Ross Geller |
    Monica Geller | Chandler Bing | Joey Tribbiani | Phoebe Buffay |
    Homer Simpson | Marge Simpson | Bart Simpson | Lisa Simpson | Rick Sanchez | Morty |
    Peter Griffin | Stewie Griffin | SpongeBob | Patrick Star | Shrek | Buzz Lightyear |
    Moana | Simba | Mufasa | Mickey Mouse | Minnie Mouse |
    Donald Duck | Bugs Bunny | Scooby-Doo | Tom and Jerry | Barbie | Spider-Man |
    Bruce Wayne | Batman | Clark Kent | Superman | Tony Stark | Iron Man |
    Captain America | Wonder Woman | Diana Prince | Loki | Wolverine |
    Deadpool | the Joker | Harley Quinn | Indiana Jones | Forrest Gump | Jack Sparrow |
    Hannibal Lecter | Norman Bates | Rocky Balboa | John Wick | Jason Bourne |
    Marty McFly | Ferris Bueller | Napoleon Dynamite | Austin Powers |
    Katniss Everdeen | Peeta Mellark | Percy Jackson | Artemis Fowl | Greg Heffley |
    Dracula | Count Dracula | Frankenstein | Victor Frankenstein | Romeo and Juliet |
    Hamlet | Macbeth | Lady Macbeth | King Lear | Othello | Falstaff | Robin Hood |
    King Arthur | Doctor Who | the Doctor | Dr Who | Del Boy |
    Rodney Trotter | Basil Fawlty | Alan Partridge | Blackadder | Baldrick | Gavin and Stacey |
    Nessa Jenkins | Uncle Bryn | Sheldon Cooper | Barney Stinson |
    Eleven | Jim Hopper | Carrie Bradshaw |
    Rory Gilmore | Lorelai Gilmore | Hannah Montana |
    """
)
#: Shops, brands and firms named after people.
BRANDS = _listing(
    """
    Ted Baker | Ralph Lauren | Tommy Hilfiger | Calvin Klein | Hugo Boss | Jack Wills |
    Ben Sherman | Fred Perry | Harvey Nichols | Marks & Spencer | Marks and Spencer |
    Stella McCartney | Vivienne Westwood | Alexander McQueen | Christian Dior |
    Coco Chanel | Yves Saint Laurent | Louis Vuitton | Giorgio Armani | Dolce & Gabbana |
    Estée Lauder | Charlotte Tilbury | Jo Malone | Molton Brown | Laura Ashley |
    Karen Millen | Dorothy Perkins | Miss Selfridge | Holland & Barrett | Dr. Martens |
    Dr Martens | Doc Martens | Levi's | Levi Strauss | Ray-Ban | Michael Kors | Kate Spade |
    Tory Burch | Marc Jacobs | Victoria's Secret | Ann Summers | Tommy Bahama | Jimmy Choo |
    Ben & Jerry's | Ben and Jerry's | Frankie & Benny's | Frankie and Benny's | Nando's |
    McDonald's | Wendy's | Domino's | Papa John's | Carluccio's | Jamie's Italian |
    Gail's | Tim Hortons | Krispy Kreme | Dunkin' | Harris + Hoole | Patisserie Valerie |
    Caffè Nero | Costa Coffee | Ronald McDonald | Colonel Sanders | Aunt Bessie's |
    Mr Kipling | McVitie's | Kellogg's | Sainsbury's | Morrisons | Selfridges | Debenhams |
    Waterstones | Wetherspoons | Wetherspoon's | Johnnie Walker | Jack Daniel's |
    Captain Morgan | Jim Beam | Ferrero Rocher | Werther's | Hershey's |
    Cadbury's | Lamborghini | Porsche | Tesla | Rolls-Royce |
    Aston Martin | Alfa Romeo | Land Rover | Ocado | Ryanair | Boohoo | Gucci | Prada |
    Dior | Versace | Givenchy | Hermès | Burberry | Mulberry |
    Clarks | Itsu | Lush | Primark | Greggs | Pret | Pret A Manger | Wagamama | Zizzi |
    Dishoom | Mowgli |
    Franco Manca | Bella Italia | Five Guys | Honest Burgers | Taco Bell | Pizza Hut |
    Chipotle | Popeyes | Wingstop | Deliveroo | Uber Eats | Just Eat
    """
)
#: Clubs and teams, by the names supporters use.
TEAMS = _listing(
    """
    Aston Villa | Tottenham Hotspur | Tottenham | Spurs | Nottingham Forest | Crystal Palace |
    Queens Park Rangers | Sheffield Wednesday | Sheffield United | Manchester United |
    Man United | Man Utd | Manchester City | Man City | Newcastle United | West Ham |
    West Ham United | West Bromwich Albion | West Brom | Brighton and Hove Albion |
    Wolverhampton Wanderers | Wolves | Leeds United | Leicester City | Norwich City |
    Ipswich Town | Stoke City | Hull City | Swansea City | Cardiff City | Bristol City |
    Bristol Rovers | Plymouth Argyle | Preston North End | Blackburn Rovers | Bolton Wanderers |
    Huddersfield Town | Luton Town | Derby County | Coventry City | Birmingham City |
    Charlton Athletic | Wigan Athletic | Oldham Athletic | Tranmere Rovers | Burnley |
    Everton | Arsenal | Chelsea FC | Liverpool FC | Fulham | Brentford | Bournemouth |
    Middlesbrough | Wrexham | Celtic | Rangers | Hearts | Hibernian | Hibs |
    Aberdeen | Dundee United | Motherwell | Kilmarnock | Real Madrid | Atletico Madrid |
    Barcelona | Barça | Bayern Munich | Borussia Dortmund | Juventus | Inter Milan |
    AC Milan | Paris Saint-Germain | PSG | Ajax | Benfica | Porto | Inter Miami | LA Galaxy |
    Leicester Tigers | Saracens | Harlequins | Bath Rugby | Exeter Chiefs | Sale Sharks |
    Gloucester Rugby | Northampton Saints | Bristol Bears | Wasps | Leeds Rhinos |
    Wigan Warriors | St Helens | Warrington Wolves | Lancashire Lightning | Yorkshire Vikings |
    Boston Celtics | LA Lakers | Los Angeles Lakers | Chicago Bulls | Golden State Warriors |
    Red Bull Racing | Aston Martin F1 | Scuderia Ferrari
    """
)
#: Films, shows, books, bands, games and apps whose names read as people.
TITLES_AND_ACTS = _listing(
    """
    Peaky Blinders | Gavin & Stacey | Ginny & Georgia | Gilmore Girls | Emily in Paris |
    Killing Eve | Mrs Brown's Boys | Schitt's Creek | Grey's Anatomy | Ally McBeal |
    Frasier | Poldark | Luther | Ted Lasso | Better Call Saul | Sherlock | Derry Girls |
    Bridget Jones's Diary |
    Mamma Mia | Bend It Like Beckham | Billy Elliot | Lady Bird | Annie Hall |
    Oppenheimer | Saltburn | Aftersun | Wonka | Forrest Gump | Jerry Maguire |
    Florence + The Machine | Florence and the Machine | Wolf Alice | Franz Ferdinand |
    Jethro Tull | Belle and Sebastian | Marina and the Diamonds | Mumford & Sons |
    Mumford and Sons | Pink Floyd | Simply Red | Fleetwood Mac | Steely Dan | Hozier |
    Sugababes | Kasabian | Bastille | Biffy Clyro | Catfish and the Bottlemen |
    Lynyrd Skynyrd | Alice in Chains |
    Marilyn Manson | Duran Duran | Tom Grennan | Grand Theft Auto | Luigi's Mansion |
    Crash Bandicoot | Spyro | Baldur's Gate | Assassin's Creed | Animal Crossing |
    Pokémon | Pokemon | Hogwarts Legacy | Elden Ring | Stardew Valley | Hollow Knight |
    Siri | Cortana | Bixby | ChatGPT | Copilot | Duolingo | Grammarly | Kahoot | BeReal |
    Monzo | Revolut | Anki | Quizlet | Mentimeter | Panopto | Turnitin | Moodle |
    Ada Health | Citymapper | Trainline | Depop | Vinted | Gumtree
    """
)
#: Things named after people that a comment names as things.
EPONYMS = _listing(
    """
    Parkinson's | Alzheimer's | Tourette's | Asperger's | Crohn's | Hodgkin's |
    Huntington's | Down's syndrome | Heimlich | Petri dish | Bunsen burner | Doppler |
    Higgs boson | Ferris wheel | Rubik's Cube | Rubik's | Earl Grey |
    Beef Wellington | Victoria sponge | Eggs Benedict | Caesar salad | Granny Smith |
    Moore's law | Murphy's law | Occam's razor | Hooke's law | Ohm's law | Boyle's law |
    Newton's laws | Schrödinger's cat | Schrodinger's cat | Dunning-Kruger | Pascal's triangle |
    Bloom's taxonomy | Maslow's hierarchy | Harvard referencing | Big Ben |
    Nobel Prize | Nobel | Oscars | BAFTA | Grammy | Tony Award | Pulitzer | Fulbright |
    Rhodes Scholarship | Leverhulme | Wellcome | Turnitin | Boxing Day |
    St Patrick's Day | St David's Day | St Andrew's Day | St George's Day | Valentine's Day |
    Guy Fawkes | Bonfire Night | Good Friday | Notting Hill Carnival | Notting Hill |
    Charles de Gaulle | George Best Belfast City | John Lennon Airport | Marylebone
    """
)
#: People long dead, named as history (not personal data): full names, or one name that
#: hardly anyone living is called by (surnames people still carry, such as "Keats" or
#: "Gandhi", and given names such as "Dante" or "Homer" are left out).
HISTORY = _listing(
    """
    William Shakespeare | Shakespeare | Napoleon | Napoleon Bonaparte | Cleopatra |
    Julius Caesar | Plato | Aristotle | Socrates | Confucius | Copernicus |
    Leonardo da Vinci | Mozart | Beethoven | Chopin | Tchaikovsky | Picasso |
    Van Gogh | Vincent van Gogh | Frida Kahlo | Mahatma Gandhi |
    Martin Luther King | Abraham Lincoln | Karl Marx | Sigmund Freud | Nietzsche |
    Immanuel Kant | René Descartes | Isaac Newton | Charles Darwin | Marie Curie |
    Albert Einstein | Einstein | Ada Lovelace | Alan Turing | Florence Nightingale |
    Mary Seacole | Rosalind Franklin | Emmeline Pankhurst | Jane Austen | Charles Dickens |
    Virginia Woolf | Charlotte Brontë | Emily Brontë | Oscar Wilde | George Orwell |
    Tolkien | J.R.R. Tolkien | Agatha Christie | Winston Churchill | Queen Victoria |
    Henry VIII | Elizabeth I | Queen Elizabeth II | Princess Diana | Princess of Wales |
    Boudicca | Genghis Khan | Alexander the Great | Joan of Arc | Rabbie Burns |
    Percy Shelley | Lord Byron | John Keats |
    William Wordsworth | Chaucer |
    Freddie Mercury | David Bowie | John Lennon | Elvis Presley | Amy Winehouse
    """
)
NAMED_THINGS: tuple[str, ...] = CHARACTERS + BRANDS + TEAMS + TITLES_AND_ACTS + EPONYMS + HISTORY

_PLACE_START = r"(?:San|Santa|Santo|São|Sao|St|St\.|Saint|Sainte|Port|Fort|Mount|Mt|Lake|Cape)"
#: Words after a name that make it a thing's: clubs, acts, titles, shops, apps.
_THING_AFTER = re.compile(
    r"\s*(?:"
    r"fans?|supporters?|scarf|shirt|kit|away end|season tickets?|tickets?|gigs?|concerts?|tour|"
    r"albums?|songs?|tribute|covers|playlist|sequel|prequel|trailer|soundtrack|"
    r"film|movie|musical|series|episodes?|box set|finale|reboot|remake|watch party|screening|"
    r"marathon|merch|outlet|store|shop|sale|voucher|discount|meal deal|delivery|menu|"
    r"tournament|controllers?|console|DLC|speedrun|FC|AFC|United|City|Town|Rovers|Athletic|"
    r"Wanderers|Albion|Hotspur|Parkway|Mansion|Creek|(?:&|and) Sons|& Co|"
    r"(?:&|and) [A-Z][\w'\u2019-]* (?:Society|Club|Association)"
    r")\b",
    re.IGNORECASE,
)
#: Words after a possessive name that make it a law, an effect or an illness.
_EPONYM_AFTER = re.compile(
    r"\s*(?:law|laws|effect|theorem|paradox|principle|razor|triangle|constant|equation|"
    r"syndrome|disease|taxonomy|hierarchy|cat)\b",
    re.IGNORECASE,
)
#: Words before a name that make it a title, an act, a game or a character.
_THING_BEFORE = re.compile(
    r"(?:\b(?:re)?watch(?:ing|ed)?|\bbinge(?:d|ing)?(?: all of)?|\bbinging(?: all of)?|"
    r"\bstream(?:ing|ed)|\blistening to|\blistened to|\bplay(?:ing|ed)?|"
    r"\b(?:dress(?:ing|ed)? up|going|went|cosplay(?:ing)?) as|\bthe new series of|"
    r"\b(?:has anyone|have you|I just) (?:read|watched|finished)|\b(?:re)?reading|"
    r"\bfilm club is showing|\bUp the|\bv|\bvs\.?|[^\W\d_]\s+\d{1,2})\s+$",
    re.IGNORECASE,
)
_FIXTURE_AFTER = re.compile(r"\s+(?:v|vs\.?|\d{1,2}(?:\s*-\s*\d{1,2})?)\s+[A-Z]")
_PLACE_BEFORE = re.compile(rf"\b{_PLACE_START}\s+$")
_PLACE_INSIDE = re.compile(rf"^{_PLACE_START}\s+\S", re.IGNORECASE)
_PLACE_WORD = re.compile(rf"^{_PLACE_START}$")
_CAPITALISED_NEXT = re.compile(r"\s+[A-Z]")
#: Capitalised words after a name that make it a subject or a place ("Roman Law",
#: "Alice Springs"); only capitalised, since "Tom studies law" is about Tom.
_SUBJECT_OR_PLACE_AFTER = re.compile(
    r"\s+(?:Law|Studies|History|Literature|Poetry|Philosophy|Empire|Architecture|Theory|"
    r"Ethics|Springs|Falls|Heights|Island|Islands)\b"
)
#: Before a single word: a place's ("Rent in Austin", "Flights from Heathrow to Charlotte").
_IN_PLACE_BEFORE = re.compile(r"\bin\s+$")
_TRAVEL_BEFORE = re.compile(
    r"\b(?:flights?|fly|flying|flew|moving|moved|heading|trip|trains?|travel\w*|drive|"
    r"driving|bus|coach|placement|holiday|relocat\w*)\b(?:\s+[^\s.!?]+){0,3}?\s+(?:to|from)\s+$",
    re.IGNORECASE,
)
#: Months written short that are also given names ("Jan", "Jun"), as dates.
_SHORT_MONTH = re.compile(r"^(?:Jan|Jun|Mar|Sept?|Dec)$", re.IGNORECASE)
_MONTH_BEFORE = re.compile(
    r"\b(?:in|this|next|last|over|mid|since|until|till|early|late|end of|\d{1,2}(?:st|nd|rd|th)?)"
    r"[\s-]+$",
    re.IGNORECASE,
)
_DAY_AFTER = re.compile(r"\s*\d{1,2}(?:st|nd|rd|th)?\b")
_POSSESSIVE = re.compile(r"['\u2019]s?$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'\u2019.+&-]*")


@cache
def _things_pattern() -> re.Pattern[str]:
    alternatives = sorted(
        (r"\s+".join(re.escape(word) for word in thing.split()) for thing in NAMED_THINGS),
        key=len,
        reverse=True,
    )
    return re.compile(
        r"(?<![\w'\u2019-])(?:" + "|".join(alternatives) + r")(?:['\u2019]s)?(?![\w-])",
        re.IGNORECASE,
    )


class NamedThings:
    """Says whether a ``PERSON`` span of a text names a thing rather than a person."""

    def __init__(
        self, common: frozenset[str], names: frozenset[str], given: frozenset[str]
    ) -> None:
        #: Lower-case words that may stand beside a listed thing in the same span: common
        #: words, and before it any word that is not a name ("Rewatching", "ngl").
        self.common = common
        self.names = names
        #: Given names: "Sarah's law essay" is Sarah's, "Moore's law" is a law.
        self.given = given

    def names_a_thing(self, text: str, start: int, end: int) -> bool:
        """Listed, or a cue beside it says thing and none says person (``name_context``)."""
        if self._listed(text, start, end):
            return True
        start = self._name_start(text, start, end)
        return self._thing_cue(text, start, end) and not person_cue(text, start, end)

    def _thing_cue(self, text: str, start: int, end: int) -> bool:
        value = text[start:end]
        after = text[end:]
        if _POSSESSIVE.search(value) or after.startswith(("'s", "\u2019s")):
            if not _POSSESSIVE.search(value):
                after = after[2:]
            owner = _POSSESSIVE.sub("", value).lower()
            return owner not in self.given and _EPONYM_AFTER.match(after) is not None
        before = text[max(0, start - 60) : start]
        one_word = " " not in value.strip()
        if one_word and (_IN_PLACE_BEFORE.search(before) or _TRAVEL_BEFORE.search(before)):
            return True
        if _SHORT_MONTH.match(value) and (_MONTH_BEFORE.search(before) or _DAY_AFTER.match(after)):
            return True
        return bool(
            _THING_AFTER.match(after)
            or _FIXTURE_AFTER.match(after)
            or _THING_BEFORE.search(before)
            or _PLACE_BEFORE.search(before)
            or _PLACE_INSIDE.match(value)
            or (_PLACE_WORD.match(value) is not None and _CAPITALISED_NEXT.match(after))
            or _SUBJECT_OR_PLACE_AFTER.match(after)
            or thing_cue(text, start, end)
        )

    def _name_start(self, text: str, start: int, end: int) -> int:
        """Where the name proper starts: after plain English words that open the span in
        lower case or at a sentence's start (a model takes "Rewatching" in)."""
        words = list(_WORD.finditer(text, start, end))
        for word in words[:-1]:
            lower = word.group().lower()
            plain = lower not in self.names and (
                lower in self.common or zipf_frequency(lower, "en") >= _PLAIN_WORD_ZIPF
            )
            if not plain or not (lower == word.group() or opens_sentence(text, word.start())):
                return word.start()
        return words[-1].start() if words else start

    def _listed(self, text: str, start: int, end: int) -> bool:
        """The span's words lie within a listed thing, but for common words beside it."""
        for match in _things_pattern().finditer(text, max(0, start - 60), min(len(text), end + 60)):
            if match.end() <= start or end <= match.start():
                continue
            before = [w.lower() for w in _WORD.findall(text[start : max(start, match.start())])]
            after = [w.lower() for w in _WORD.findall(text[min(end, match.end()) : end])]
            if all(w in self.common or w not in self.names for w in before) and all(
                w in self.common for w in after
            ):
                return True
        return False
