"""Postal addresses in the shapes students write, at home and abroad; places are not homes."""

from __future__ import annotations

import pytest

from pipelines.privacy.recognizers.location import StreetAddressRecognizer

RECOGNIZER = StreetAddressRecognizer()

FOUND = [
    # UK and elsewhere in English, number first.
    ("I live at 221B Baker Street now", "221B Baker Street"),
    ("Flat 3, 12 Acacia Avenue", "Flat 3, 12 Acacia Avenue"),
    ("Flat 2/1, 45 Byres Road, Glasgow", "Flat 2/1, 45 Byres Road"),
    ("Unit 5/12 Smith St, Sydney", "Unit 5/12 Smith St"),
    ("send it to 12 St John's Road", "12 St John's Road"),
    ("123 Main St, Apt 4B, Springfield", "123 Main St, Apt 4B"),
    ("1600 Pennsylvania Ave NW, Washington", "1600 Pennsylvania Ave NW"),
    ("350 5th Ave, New York", "350 5th Ave"),
    ("12 Adeola Odeku Street, Lagos", "12 Adeola Odeku Street"),
    ("No. 5 Jianguo Road, Beijing", "No. 5 Jianguo Road"),
    ("H.No. 59, Handa Zila", "H.No. 59, Handa Zila"),
    ("672, Luthra Chowk", "672, Luthra Chowk"),
    # Lower case, after a flat number or a word about living or post.
    ("Parcel delivered to flat 9 227 park drive", "flat 9 227 park drive"),
    ("i live at 12 acacia avenue", "12 acacia avenue"),
    ("moved to 14 station road last week", "14 station road"),
    # France: number, street word, name.
    ("12 rue de la Paix, Paris", "12 rue de la Paix"),
    ("5 avenue des Champs-Élysées", "5 avenue des Champs-Élysées"),
    ("3 place d'Italie", "3 place d'Italie"),
    # Street word first, number last.
    ("send it to Calle Mayor 12, 3ºB please", "Calle Mayor 12, 3ºB"),
    ("C/ Mayor 12", "C/ Mayor 12"),
    ("Avda. de la Constitución 5, 2º izq", "Avda. de la Constitución 5, 2º izq"),
    ("Carrer de Mallorca 401", "Carrer de Mallorca 401"),
    ("Via Roma, 12", "Via Roma, 12"),
    ("Piazza Navona 3", "Piazza Navona 3"),
    ("Rua Augusta 274", "Rua Augusta 274"),
    ("Rue de la Loi 16, Bruxelles", "Rue de la Loi 16"),
    ("ul. Długa 5/7, Gdańsk", "ul. Długa 5/7"),
    ("ul. Armii Krajowej 12 m. 4", "ul. Armii Krajowej 12 m. 4"),
    ("Strada Lipscani 5", "Strada Lipscani 5"),
    ("Retorno Cortez 578 Interior 700", "Retorno Cortez 578 Interior 700"),
    ("Andador Ríos 067 Edif. 833 , Depto. 079", "Andador Ríos 067 Edif. 833 , Depto. 079"),
    ("Av. Corrientes 1234", "Av. Corrientes 1234"),
    ("Av. Paulista, 1578", "Av. Paulista, 1578"),
    ("Strada Lipscani nr. 5", "Strada Lipscani nr. 5"),
    ("Carrera 7 # 32-16, Bogotá", "Carrera 7 # 32-16"),
    ("Jl. Sudirman No. 5", "Jl. Sudirman No. 5"),
    # Street word after the name, then the number.
    ("Brīvības iela 5, Rīga", "Brīvības iela 5"),
    ("Gedimino pr. 5", "Gedimino pr. 5"),
    ("Kossuth Lajos utca 12", "Kossuth Lajos utca 12"),
    ("Slovenska cesta 5", "Slovenska cesta 5"),
    ("Atatürk Caddesi No: 12", "Atatürk Caddesi No: 12"),
    ("Nevsky prospekt 28", "Nevsky prospekt 28"),
    ("Pärnu mnt 5", "Pärnu mnt 5"),
    # One word ending in a street word, number last.
    ("Teheran-ro 152", "Teheran-ro 152"),
    ("Laugavegur 5", "Laugavegur 5"),
    ("Hauptstraße 5, Berlin", "Hauptstraße 5"),
    ("Hauptstr. 5", "Hauptstr. 5"),
    ("Bahnhofstrasse 12, Zürich", "Bahnhofstrasse 12"),
    ("Berliner Straße 12a", "Berliner Straße 12a"),
    ("Conny-Jäntsch-Straße 87/66", "Conny-Jäntsch-Straße 87/66"),
    ("Harriet-Meister-Ring 8-6", "Harriet-Meister-Ring 8-6"),
    ("Steuerring 85", "Steuerring 85"),
    ("Kerkstraat 12-II", "Kerkstraat 12-II"),
    ("Drottninggatan 5", "Drottninggatan 5"),
    # Post-office boxes.
    ("PO Box 123", "PO Box 123"),
    ("P.O. Box 45, Nairobi", "P.O. Box 45"),
    ("po box 77", "po box 77"),
    ("Postfach 12 34", "Postfach 12 34"),
    ("Apartado de Correos 45", "Apartado de Correos 45"),
]

LEFT_ALONE = [
    "Room 2.14",
    "Building 5",
    "Level 3",
    "Lecture 12 Main Hall",
    "Building 5 Science Park",
    "Room 5, Science Park",
    "Level 3 Main Library",
    "Lecture Theatre 3 in the Student Union",
    "Open Day is on Saturday in the Great Hall",
    "I moved to Madrid",
    "Greetings from Spain, see you in Berlin",
    "Calle Mayor is lovely in spring",
    "Spring 2026 intake",
    "String 3 is out of tune",
    "Over 5000 Students Walk for charity",
    "sent via Email 12 times",
    "Week 5 Market Day",
    "Chapter 3 Oxford Street Blues",
    "See page 12 Park Road section",
    "we were 2 very close friends",
    "a 5 minute drive away",
    "I live 5 mins from the main road",
    "it is a 2 way street",
    "Strikeforce champ Ronda Rousey 301",
    "Join us on 12 May at the Great Hall",
    "I met Anna u. 5 times",
    "John Smith 5 times in a row",
]


@pytest.mark.parametrize(("text", "value"), FOUND)
def test_an_address_is_found_whole(text: str, value: str) -> None:
    assert [text[f.start : f.end] for f in RECOGNIZER.find(text)] == [value]


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_places_rooms_and_numbers_in_passing_are_not_addresses(text: str) -> None:
    assert [text[f.start : f.end] for f in RECOGNIZER.find(text)] == []
