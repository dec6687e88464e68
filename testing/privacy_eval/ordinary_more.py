"""A third source of ordinary texts: comments full of capitalised words, no private person.

Written apart from both families, for developers looking for false redactions: the
comments around a UK university's accounts name modules, buildings, halls and prizes
named after people, societies, teams, bands, films, books and their characters, brands
and shops, apps and games, festivals, places, stations and airports, public figures and
job titles; some are shouted in capitals, some typed in lower case, some end in emoji.
None holds personal data of a private person, so every finding in them is a false one.
``PUBLIC_FIGURES_MORE`` lists the public figures named, for ``privacy.allow_list``.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from testing.privacy_eval.labelled import LabelledText, fill


def _items(listing: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in listing.split("|"))


PUBLIC_FIGURES_MORE: tuple[str, ...] = _items(
    "Rishi Sunak | Angela Merkel | Emmanuel Macron | Jacinda Ardern | Narendra Modi | "
    "Barack Obama | Kamala Harris | Nelson Mandela | Volodymyr Zelenskyy | Giorgia Meloni | "
    "Justin Trudeau | Cyril Ramaphosa | Sadiq Khan | Andy Burnham | Nicola Sturgeon | "
    "Chimamanda Ngozi Adichie | Wole Soyinka | Malala Yousafzai | Zadie Smith | "
    "Kazuo Ishiguro | Bernardine Evaristo | Sally Rooney | Haruki Murakami | "
    "Margaret Atwood | Toni Morrison | Mary Beard | Yuval Noah Harari | Marie Curie | "
    "Albert Einstein | Stephen Hawking | Charles Darwin | Isaac Newton | Tim Berners-Lee | "
    "Katalin Karikó | Jane Goodall | David Attenborough | Brian Cox | Mo Farah | "
    "Lewis Hamilton | Serena Williams | Lionel Messi | Cristiano Ronaldo | Bukayo Saka | "
    "Emma Raducanu | Andy Murray | Jude Bellingham | Mohamed Salah | Virat Kohli | "
    "Usain Bolt | Simone Biles | Naomi Osaka | Pep Guardiola | Jürgen Klopp | "
    "Novak Djokovic | Adele | Stormzy | Ed Sheeran | Dua Lipa | Beyoncé | Burna Boy | "
    "Billie Eilish | Kendrick Lamar | Shakira | Greta Gerwig | Christopher Nolan | "
    "Cillian Murphy | Idris Elba | Dev Patel | Shah Rukh Khan | Jackie Chan"
)
#: How people name a public figure in passing: surnames and stage names, and "Malala",
#: a given name (the detector allows the surname of a listed full name, not the given name).
_FIGURES_SHORT = _items(
    "Sunak | Merkel | Macron | Modi | Obama | Mandela | Zelenskyy | Trudeau | Burnham | "
    "Sturgeon | Adichie | Soyinka | Malala | Ishiguro | Evaristo | Rooney | Murakami | Atwood | "
    "Einstein | Hawking | Darwin | Newton | Attenborough | Farah | Hamilton | Messi | Ronaldo | "
    "Saka | Raducanu | Bellingham | Salah | Kohli | Bolt | Biles | Guardiola | Klopp | "
    "Djokovic | Adele | Stormzy | Sheeran | Beyoncé | Eilish | Shakira | Gerwig | Nolan"
)

_FILLERS: dict[str, tuple[str, ...]] = {
    "course": _items(
        "Quantum Mechanics | Victorian Literature | Shakespeare and Early Modern Drama | "
        "Bayesian Statistics | Fourier Analysis | Markov Chains | Kantian Ethics | "
        "Newtonian Mechanics | Marxist Political Economy | Gaussian Processes | "
        "Medieval History | Organic Chemistry | Criminology | Japanese Studies | "
        "Mechanical Engineering | Liberal Arts | Classics | Film Studies | Human Geography"
    ),
    "code": _items("PHYS2031 | ENGL1102 | MATH3401 | CS2110 | ECON204 | LAW1001 | BIOL3050"),
    "building": _items(
        "the Alan Turing Building | the Rutherford Building | Ada Lovelace Hall | "
        "the Rosalind Franklin Building | the Faraday Lecture Theatre | the Maxwell Building | "
        "the Kilburn Building | the Joseph Black Building | the Mary Seacole Building | "
        "the Dorothy Hodgkin Building | the Stephenson Building | the Chadwick Building | "
        "the Herschel Building | the Brontë Building | the Wolfson Centre | "
        "the Sainsbury Laboratory | the Nightingale Building | the Bragg Centre"
    ),
    "building_short": _items(
        "Turing | Rutherford | Lovelace | Franklin | Faraday | Maxwell | Kilburn | Seacole | "
        "Hodgkin | Stephenson | Chadwick | Herschel | Brontë | Wolfson | Bragg | Nightingale"
    ),
    "hall": _items(
        "Emily Davison Court | Pankhurst House | Wollstonecraft Hall | Owens Park | "
        "Dalton-Ellis Hall | Josephine Butler College | Van Mildert College | Ustinov College | "
        "Collingwood College | Ashburne Hall | Hollings | Whitworth Park | Cartmel College"
    ),
    "prize": _items(
        "the Turing Award | the Booker Prize | the Fields Medal | the Rhodes Scholarship | "
        "the Chevening Scholarship | the Marshall Scholarship | the Reith Lectures | "
        "the Orwell Prize | the Mercury Prize | the Stirling Prize | the Carnegie Medal | "
        "the Rosalind Franklin Award | a Leverhulme Fellowship | a Fulbright | a Pulitzer"
    ),
    "society": _items(
        "Harry Potter Society | Tolkien Society | Jane Austen Society | Gilbert and Sullivan "
        "Society | Hayek Society | Marxist Society | Islamic Society | Hindu Society | "
        "Jewish Society | Christian Union | Sikh Society | K-Pop Society | Anime Society | "
        "Quadball Club | Amnesty Society | Conservative Association | Labour Club"
    ),
    "team": _items(
        "Aston Villa | Tottenham Hotspur | Nottingham Forest | Crystal Palace | "
        "Queens Park Rangers | Sheffield Wednesday | Celtic | Hearts | Leicester Tigers | "
        "Saracens | Harlequins | Bath Rugby | Lancashire Lightning | Leeds Rhinos | Wrexham"
    ),
    "fixture": _items(
        "Varsity | the Roses tournament | BUCS Wednesday | the Boat Race | Wimbledon | "
        "the Six Nations | the Ashes | the Grand National | the Tour de France | the Euros"
    ),
    "band": _items(
        "Arctic Monkeys | Coldplay | The 1975 | Little Mix | Fontaines D.C. | Wet Leg | Blur | "
        "Radiohead | Florence + The Machine | Bastille | Foals | Sugababes | Wolf Alice | "
        "Glass Animals | Catfish and the Bottlemen | Black Country, New Road"
    ),
    "film": _items(
        "Oppenheimer | Barbie | Saltburn | Paddington 2 | Aftersun | Dune: Part Two | "
        "Poor Things | Past Lives | Wonka | Everything Everywhere All at Once"
    ),
    "show": _items(
        "Fleabag | Peaky Blinders | The Crown | Line of Duty | Gavin & Stacey | Bridgerton | "
        "Succession | Love Island | Strictly | Bake Off | University Challenge | "
        "Match of the Day | Derry Girls | Doctor Who | Heartstopper | Ted Lasso | Normal People"
    ),
    "book": _items(
        "Pride and Prejudice | Middlemarch | Wuthering Heights | Things Fall Apart | "
        "Americanah | Girl, Woman, Other | Never Let Me Go | Frankenstein | Jane Eyre | "
        "Great Expectations | Mrs Dalloway | Anna Karenina | One Hundred Years of Solitude"
    ),
    "character": _items(
        "Harry Potter | Hermione Granger | Sherlock Holmes | Elizabeth Bennet | Mr Darcy | "
        "Frodo | Gandalf | Jane Eyre | Bridget Jones | Walter White | Paddington | "
        "Wallace and Gromit | Hercule Poirot | Miss Marple | James Bond | Lara Croft | "
        "Jon Snow | Tyrion Lannister | Atticus Finch | Jay Gatsby | Dorian Gray | "
        "Ebenezer Scrooge | Matilda | Tommy Shelby | Roy Kent | Kendall Roy"
    ),
    "brand": _items(
        "John Lewis | Ted Baker | Paul Smith | Marks & Spencer | Ralph Lauren | "
        "Tommy Hilfiger | Calvin Klein | Hugo Boss | Jack Wills | Fred Perry | Ben Sherman | "
        "Harvey Nichols | Primark | Boots | Waterstones | Greggs | Sainsbury's | Aldi | Lidl"
    ),
    "eatery": _items(
        "Nando's | Wagamama | Pret | Five Guys | Papa John's | Frankie & Benny's | Zizzi | "
        "Franco Manca | Dishoom | Leon | Tim Hortons | Ben & Jerry's | Bella Italia | "
        "Wetherspoons | Caffè Nero | Gail's | Krispy Kreme | Wendy's | Honest Burgers"
    ),
    "app": _items(
        "Moodle | Blackboard | Canvas | Microsoft Teams | Duolingo | Deliveroo | Uber Eats | "
        "Too Good To Go | Citymapper | Trainline | UNiDAYS | Monzo | Revolut | BeReal | "
        "Hinge | Notion | Grammarly | ChatGPT | Claude | Alexa | Siri | Copilot | Gemini"
    ),
    "game": _items(
        "EA FC 25 | Minecraft | Fortnite | Elden Ring | Mario Kart | Baldur's Gate 3 | "
        "Stardew Valley | Hollow Knight | League of Legends | Valorant | Animal Crossing | "
        "Call of Duty | Assassin's Creed | The Sims 4 | Pokémon Scarlet | Zelda"
    ),
    "event": _items(
        "Glastonbury | Reading and Leeds | Parklife | the Edinburgh Fringe | "
        "Notting Hill Carnival | the Hay Festival | Bonfire Night | Pancake Day | Burns Night | "
        "St Patrick's Day | St David's Day | Black History Month | Pride Month | Movember | "
        "Comic Relief | Children in Need | Eurovision | Mental Health Awareness Week"
    ),
    "festival": _items(
        "Diwali | Eid al-Fitr | Eid al-Adha | Ramadan | Hanukkah | Yom Kippur | Passover | "
        "Vaisakhi | Holi | Christmas | Easter | Lent | Good Friday | Lunar New Year | "
        "Navratri | Rosh Hashanah | Guru Nanak Jayanti"
    ),
    "city": _items(
        "Leeds | Sheffield | Durham | Lancaster | Lincoln | Chester | Kendal | Stirling | "
        "Swansea | Belfast | Derry | Milton Keynes | Luton | Reading | Bath | Exeter | "
        "Florence | Sydney | Austin | Charlotte | Orlando | Adelaide | Victoria | Lagos | "
        "Accra | Nairobi | Karachi | Lahore | Dhaka | Kuala Lumpur | Seoul | Ho Chi Minh City | "
        "São Paulo | Santiago | St Andrews | St Albans | Washington | Houston"
    ),
    "region": _items(
        "Yorkshire | Cornwall | the Lake District | the Peak District | the Highlands | "
        "Eryri | the Cotswolds | East Anglia | Tyneside | the Midlands | Brittany | Bavaria | "
        "Tuscany | Catalonia | Punjab | Kerala | Ontario | Queensland"
    ),
    "country": _items(
        "Ireland | Jordan | Chad | Georgia | Kenya | Ghana | Pakistan | Bangladesh | Malaysia | "
        "Vietnam | Brazil | Israel | Lebanon | Morocco | Egypt | Ukraine | Japan | "
        "South Korea | New Zealand | Sri Lanka | Jamaica | Trinidad and Tobago | Cyprus"
    ),
    "nationality": _items(
        "Nigerian | Ghanaian | Polish | Chinese | Indian | Pakistani | Welsh | Scottish | "
        "Irish | Kenyan | Brazilian | Malaysian | Greek | Italian | Korean | Vietnamese"
    ),
    "language": _items(
        "Mandarin | Cantonese | Welsh | Gaelic | Urdu | Hindi | Punjabi | Yoruba | Igbo | "
        "Hausa | Swahili | Arabic | Portuguese | Spanish | French | German | Polish | BSL"
    ),
    "street": _items(
        "Oxford Road | Deansgate | Briggate | Princes Street | Lothian Road | "
        "Sauchiehall Street | Bold Street | Wilmslow Road | Hope Street | Gower Street | "
        "Tottenham Court Road | Euston Road | Kingsway | Abbey Road | Baker Street | "
        "Penny Lane | Carnaby Street | Ladbroke Grove | Mansfield Road"
    ),
    "station": _items(
        "Manchester Piccadilly | London Euston | King's Cross | St Pancras | "
        "Edinburgh Waverley | Glasgow Central | Birmingham New Street | Bristol Temple Meads | "
        "Liverpool Lime Street | Newcastle Central | Marylebone | Paddington | Waterloo | "
        "Charing Cross | Clapham Junction | Stratford"
    ),
    "airport": _items(
        "Heathrow | Gatwick | Stansted | Luton | Manchester Airport | Edinburgh Airport | "
        "Liverpool John Lennon Airport | George Best Belfast City Airport | Leeds Bradford | "
        "Schiphol | Charles de Gaulle | JFK | Indira Gandhi International | "
        "Murtala Muhammed Airport | Jomo Kenyatta International | Dubai"
    ),
    "figure": PUBLIC_FIGURES_MORE,
    "figure_short": _FIGURES_SHORT,
    "role": _items(
        "Vice-Chancellor | Pro-Vice-Chancellor | Head of School | Dean | Registrar | Provost | "
        "Chancellor | Personal Tutor | Module Leader | Programme Director | SU President | "
        "VP Education | Welfare Officer | Hall Warden | Head of Department | Director of Studies"
    ),
    "weekday": _items("Monday | Tuesday | Wednesday | Thursday | Friday | Saturday | Sunday"),
    "month": _items(
        "January | February | March | April | May | June | July | August | September | "
        "October | November | December"
    ),
    "time": _items("9am | 10:15 | 11.30 | 1pm | 14:00 | 4.45pm | 6pm | 19:30 | midnight"),
    "money": _items("£3.50 | £12 | £45 | £250 | £1,850 | £9,535 | €20 | $60 | £4.99 a month"),
    "room": _items("Room 1.14 | Room G07 | LT2 | Seminar Room B | Lab 3.021 | Room 402 | C-101"),
    "hashtag": _items(
        "#FreshersWeek | #GraduationDay | #StudentLife | #OpenDay | #ClassOf2026 | "
        "#ExamSeason | #MentalHealthMatters | #BlackHistoryMonth | #Varsity2026 | #WelcomeWeek"
    ),
    "emoji": _items(
        "\U0001f602 | \U0001f62d | \U0001f389 | \U0001f64f | \U0001f525 | \u2764\ufe0f | \U0001f440"
    ),
}

#: Comments as typed; the first words are often capitalised common words.
_TEMPLATES = _items(
    "Honestly {course} in {building} at {time} on a {weekday} is brutal"
    " | Massive thanks to the {role} for coming to the {society} social {emoji}"
    " | Genuinely cannot find {room} in {building_short}, is it the old wing?"
    " | Reminder: {code} ({course}) moves to {building} from {month}"
    " | Anyone revising in {building_short} tonight? The library is rammed"
    " | Congrats to everyone in {hall} who raised {money} for {event}!"
    " | Brilliant talk from {figure} at {building} yesterday"
    " | Did {figure_short} really say that on Question Time last night?"
    " | Happy {festival} to all our students celebrating {emoji}"
    " | Eid Mubarak from the {society}! Iftar in {building} at {time}"
    " | Wishing everyone a peaceful {festival}. The chaplaincy is open till {time}"
    " | {team} v {team} is on in the SU bar on {weekday}"
    " | Our women's firsts beat Durham 3-1 in {fixture} {emoji}"
    " | Who's going to {fixture} this year? Coach leaves from {street} at {time}"
    " | Absolutely gutted about {team} on Saturday"
    " | Tickets for {band} at the Academy are {money}, worth it?"
    " | Has anyone read {book}? It's on the {course} reading list"
    " | The {society} is doing a {film} screening in {room} on {weekday}"
    " | Just finished {show} and I need to talk about {character}"
    " | Is {character} the most overrated character ever or is it just me"
    " | {character} would never survive a {course} seminar"
    " | Dressing up as {character} for the {society} Halloween social"
    " | The new {brand} on {street} has a student discount"
    " | Queue at {eatery} near {station} was out the door"
    " | {eatery} or {eatery} after the {society} meeting?"
    " | Why does {app} log me out every time I open {code}?"
    " | Lecture slides still aren't up on {app}, can the {role} sort it?"
    " | Asked {app} to explain {course} and it made things worse"
    " | Who wants to play {game} in the common room in {hall}?"
    " | The {society} {game} tournament starts {weekday} at {time}"
    " | Flights from {airport} to {city} are {money} in {month}"
    " | Landed at {airport}, how do I get to campus from {station}?"
    " | Trains from {station} to {city} cancelled again, I'll miss my {time} seminar"
    " | Moving from {city} to study {course}, any tips for {hall}?"
    " | Studying abroad in {country} next year, anyone been?"
    " | Any {nationality} students want to start a society for {festival}?"
    " | The {nationality} Society's food stall at {event} was unreal"
    " | Free {language} classes on {weekday}s in {room}"
    " | Does the language centre teach {language} or only {language}?"
    " | Road trip to {region} over reading week {emoji}"
    " | Field trip to {region} for {course} costs {money}"
    " | The {role} announced {prize} winners today"
    " | Congratulations to our {course} graduate who won {prize}"
    " | {figure} wins {prize} and gives the keynote at {building}"
    " | Tickets for the {prize} lecture with {figure} are free"
    " | Our PhD student has been awarded {prize}!"
    " | Open mic night in {hall} on {weekday}, {band} covers welcome"
    " | Is {building_short} open on Sundays during exam season?"
    " | Printers in {building_short} are broken again"
    " | Lost my keys somewhere between {building_short} and {street}"
    " | {hall} fire alarm at 3am again \U0001f644"
    " | Best chippy near {street}? Asking for the whole of {hall}"
    " | The {society} meets in {building} every {weekday}"
    " | Message from the {role}: campus closes early on {weekday} for {event}"
    " | The {role} will answer questions at {time} on {app}"
    " | {role} says fees stay at {money} for {month} starters"
    " | Welcome back! {month} exams are timetabled on {app}"
    " | Can someone explain why {course} needs {code} as a prerequisite?"
    " | Guest lecture: {figure} on climate and {region}"
    " | Watching {figure} on the big screen at {event} was surreal"
    " | {figure_short} is playing {city} in {month}, who is in?"
    " | {figure_short}'s speech at the conference was on every screen in the SU"
    " | Finally saw {figure_short} live at {event}"
    " | Reading {book} by the lake because the {course} seminar got cancelled"
    " | {film} at the cinema on {street}, {money} with a student card"
    " | The {society} went to see {film} and now we only talk about {character}"
    " | Halls {weekday} ranking: {hall} > {hall}, fight me"
    " | Big shout out to the {hall} JCR for {event} {emoji}"
    " | Fair play to {team}, they deserved that"
    " | Live from {fixture}! {hashtag}"
    " | Lovely morning for {event} {hashtag}"
    " | Graduation photos outside {building} {hashtag}"
    " | Guide dogs visiting {building_short} on {weekday}! {hashtag}"
    " | New study space open in {building}, {room} has plugs at every desk"
    " | Shame the {eatery} in {building} shuts at {time}"
    " | Spotted at {station}: a whole train of {society} members in costume"
    " | Heading to {city} for {festival} with the {nationality} Society"
    " | Wrexham v {team} on the pub TV with the {society}, anyone?"
    " | Waiting for the {role} to reply like waiting for {show} season 4"
    " | Library open 24/7 from {month} for exams {emoji}"
    " | Anyone want to split a taxi from {airport} on {weekday}?"
    " | The {brand} sale is on till {weekday}, {money} off everything"
    " | Who runs the {society} account? The {band} post was class"
    " | {course} lecture in {building} cancelled, {role} is ill"
    " | Cheers to the staff in {building_short} for the free coffee during exams"
    " | Saw a fox outside {hall} at {time} {emoji}"
    " | Rent in {city} is {money} a week now, how is anyone managing"
    " | Interview tips for {prize}? Deadline is {month}"
    " | {app} has a study group for {code}, link in bio"
    " | Has the {role} seen the state of the bins in {hall}"
    " | Open Day in {month}: talks in {building} and tours of {hall}"
    " | Brilliant {festival} celebration in {building} last night, thank you {society}!"
    " | Volunteers needed for {event} on {street}, sign up on {app}"
    " | Which is better for {course}, {city} or {city}?"
    " | Going home to {country} for {festival}, see you all in {month}"
    " | A Nobel Prize winner from {country} speaks in {building} on {weekday}"
)
#: Comments shouted in capitals (filled, then upper-cased).
_SHOUTED_TEMPLATES = _items(
    "{team} ARE GOING DOWN THIS SEASON {emoji}"
    " | WHO IS GOING TO {event}?? {hashtag}"
    " | WHY IS {building_short} SHUT ON A {weekday}"
    " | {band} WERE INCREDIBLE LAST NIGHT"
    " | {figure_short} JUST WALKED PAST {building}"
    " | HAPPY {festival} EVERYONE {emoji}"
    " | FREE PIZZA IN {room} AT {time} FROM THE {society}"
    " | {character} DESERVED BETTER"
    " | NO WIFI IN {hall} AGAIN"
    " | {app} IS DOWN AND MY {code} ESSAY IS DUE AT {time}"
    " | CONGRATS TO {team} ON WINNING {fixture}"
    " | THE {role} NEEDS TO SORT THE HEATING IN {building}"
)
#: Comments typed in lower case (filled, then lower-cased).
_LOWERCASE_TEMPLATES = _items(
    "anyone else think {show} went downhill after season 2"
    " | is {building_short} open late tonight or nah"
    " | {eatery} on {street} is closed till {month}"
    " | who's driving to {city} for {event}"
    " | {figure_short} on the news again lol"
    " | need a {language} tutor before my trip to {country} {emoji}"
    " | queue for {building_short} printers is insane"
    " | {character} is my whole personality this term"
    " | lost my student card somewhere in {hall}"
    " | {team} fans in {hall} are so loud"
    " | ordered {eatery} through {app} and it took 2 hours"
    " | the {role} email about {festival} was actually sweet"
)

_TEMPLATE_CASES: tuple[tuple[str, Callable[[str], str]], ...] = (
    *((template, str) for template in _TEMPLATES),
    *((template, str.upper) for template in _SHOUTED_TEMPLATES),
    *((template, str.lower) for template in _LOWERCASE_TEMPLATES),
)
#: The templates as written (before any change of case), in the order they are numbered.
TEMPLATES_MORE: tuple[str, ...] = tuple(template for template, _ in _TEMPLATE_CASES)


def more_ordinary_texts(count: int, seed: int = 7) -> list[LabelledText]:
    """``count`` ordinary comments (no personal data, so no spans), named ``more/O017``
    after their template; the same ``count`` and ``seed`` give the same texts."""
    rng = random.Random(seed)

    def value_for(slot: str, variant: str | None) -> str:
        return rng.choice(_FILLERS[slot])

    texts = []
    for _ in range(count):
        index = rng.randrange(len(_TEMPLATE_CASES))
        template, change_case = _TEMPLATE_CASES[index]
        text, _ = fill(template, value_for)
        texts.append(LabelledText(change_case(text), (), "more", f"more/O{index + 1:03d}"))
    return texts


def listed_more() -> tuple[str, ...]:
    """What a university would put in ``privacy.allow_list`` for these texts: the public
    figures, and its own buildings and halls."""
    return (
        PUBLIC_FIGURES_MORE + _FILLERS["building"] + _FILLERS["building_short"] + _FILLERS["hall"]
    )
