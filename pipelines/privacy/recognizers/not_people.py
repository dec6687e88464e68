"""Capitalised words that look like names but name places, festivals, roles, languages or
terms named after scholars.

Census name lists hold many town names ("Lincoln", "Preston", "Sydney"), and a model
trained on names tags greetings ("Eid Mubarak") and job titles ("Provost says …"). A word
here is never evidence of a person on its own; with a real name beside it ("Charlotte
Brown") the span still counts.
"""

from __future__ import annotations

#: Towns and cities mostly meant as places (names mostly meant as people, such as
#: "Charlotte" or "Austin", are left out: a missed name is worse than a redacted town).
PLACES_NAMED_LIKE_PEOPLE = frozenset(
    """
    adelaide alexandria barbados bradford brighton camden carlisle charleston chester
    clifton dallas darlington darwin denver derby derry dover dudley durham francisco
    georgetown gloucester hamilton hampton harlow houston ilford jamestown jersey kendal
    kent kingston lancaster lincoln lisbon luton melbourne milton montgomery orlando paisley
    perth phoenix preston raleigh reading richmond rochester salisbury santiago stafford
    stirling sydney trinidad valencia warwick washington wellington york
    """.split()
)
FESTIVALS_AND_GREETINGS = frozenset(
    """
    eid mubarak adha fitr ramadan ramadhan iftar diwali deepavali navratri vaisakhi baisakhi
    holi hanukkah chanukah yom kippur rosh hashanah passover pesach purim christmas xmas easter
    lent advent pentecost halloween hogmanay burns diwali onam pongal chuseok nowruz kwanzaa
    juneteenth thanksgiving movember ramadan mubarak shana tova
    """.split()
)
ROLES = frozenset(
    """
    warden provost dean chancellor vice registrar bursar principal rector chaplain porter
    librarian president secretary minister mayor governor senator councillor chair head
    director manager coordinator officer tutor lecturer professor prof dr doctor nurse
    captain coach ref referee umpire judge
    """.split()
)
#: Words made from a scholar's name that a university's traffic uses as plain terms.
EPONYMOUS_TERMS = frozenset(
    """
    gaussian bayesian markov fourier laplace euler eulerian newtonian darwinian freudian
    marxist marxian keynesian hayekian kantian hegelian cartesian boolean turing hamiltonian
    lagrangian poisson bernoulli riemann hilbert hermitian jacobian victorian edwardian
    elizabethan georgian shakespearean dickensian orwellian kafkaesque
    """.split()
)
#: Languages and nationalities that census lists or the model take for names.
LANGUAGES_AND_NATIONALITIES = frozenset(
    """
    gaelic welsh irish scottish cornish manx english british french german dutch flemish
    spanish catalan basque portuguese italian greek polish czech slovak hungarian romanian
    bulgarian serbian croatian ukrainian russian turkish arabic persian farsi urdu hindi
    punjabi bengali tamil telugu gujarati marathi nepali sinhala mandarin cantonese chinese
    japanese korean vietnamese thai malay indonesian tagalog filipino swahili yoruba igbo
    hausa amharic somali zulu xhosa ghanaian nigerian kenyan jamaican
    """.split()
)
#: Political parties and their members, named as such.
PARTIES = frozenset(
    """
    labour tory tories conservative conservatives unionist unionists democrat democrats
    republican republicans libdem libdems
    """.split()
)
NOT_PEOPLE = (
    PLACES_NAMED_LIKE_PEOPLE
    | FESTIVALS_AND_GREETINGS
    | ROLES
    | EPONYMOUS_TERMS
    | LANGUAGES_AND_NATIONALITIES
    | PARTIES
)
