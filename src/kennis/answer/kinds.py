"""What kind of question is this? Dutch question patterns → a small closed set of kinds.

The kind steers how an answer is composed: *who* and *legal basis* questions are
answered from competence statements in the graph, the others from passages.
"""

from __future__ import annotations

import re
from enum import Enum

from kennis.text import fold


class QuestionKind(str, Enum):
    WHO = "wie"  # who is competent / who does / who decides
    LEGAL_BASIS = "grondslag"  # which article / which law / on which legal basis
    DEFINITION = "definitie"  # what is X / what is meant by X
    DIFFERENCE = "verschil"  # what is the difference between X and Y
    CHANGE = "wijziging"  # what changed between editions / what is new
    PROCEDURE = "procedure"  # how does it go / what happens when
    YES_NO = "ja-nee"  # can / may / does ...
    OTHER = "overig"


# Order matters: the first pattern that matches decides.
_PATTERNS: list[tuple[QuestionKind, re.Pattern[str]]] = [
    (QuestionKind.CHANGE, re.compile(
        r"\b(wat is er (nieuw|veranderd|gewijzigd|anders)|wat (veranderde|verandert|wijzigde)"
        r"|welke (wijzigingen|veranderingen)|wat zijn de (wijzigingen|veranderingen)|nieuw in)\b")),
    (QuestionKind.DIFFERENCE, re.compile(r"\b(verschil(len)? tussen|verschilt|onderscheid tussen|wat onderscheidt)\b")),
    (QuestionKind.LEGAL_BASIS, re.compile(
        r"\b(welk(e)? (wets)?artikel(en)?|welke wet(ten|telijke)?\b|wettelijke (grondslag|basis)|rechtsgrond"
        r"|op grond van welk|op basis van welk|welke regel(ing|geving)|in welke wet|welk wetsartikel)")),
    (QuestionKind.WHO, re.compile(
        r"(^|\b)(wie|wiens|door wie|aan wie|bij wie|van wie|namens wie|welke (\w+ )?(dienst|diensten|instantie|instanties"
        r"|organisatie|organisaties|functionaris|functionarissen|eenheid|eenheden|partij|partijen|minister"
        r"|ambtenaar|ambtenaren|autoriteit|autoriteiten|persoon|overleg|afdeling))\b")),
    (QuestionKind.DEFINITION, re.compile(
        r"^(wat (is|zijn|was|waren) (een|de|het)?\b|wat houdt|wat houden|wat wordt (er )?(bedoeld|verstaan)"
        r"|wat betekent|wat betekenen|wat verstaat|wat zijn|waar staat .* voor|wat is)")),
    (QuestionKind.PROCEDURE, re.compile(
        r"^(hoe|wat gebeurt|wat moet|wat doe|welke stappen|wat zijn de stappen|in welke volgorde)|\bprocedure\b")),
    (QuestionKind.YES_NO, re.compile(r"^(kan|kunnen|mag|mogen|moet|moeten|is|zijn|heeft|hebben|neemt|nemen|wordt|worden|valt|vallen|geldt)\b")),
]


def without_asking_words(question: str) -> str:
    """``question`` without the words that only say what kind of question it is
    (*wat is er veranderd*, *wie*, *hoe*): what is left is what it is about."""
    text = fold(" ".join(question.split()))
    for _, pattern in _PATTERNS:
        text = pattern.sub(" ", text)
    return text


def classify(question: str) -> QuestionKind:
    """The kind of ``question`` (Dutch); :attr:`QuestionKind.OTHER` when none fits."""
    text = fold(" ".join(question.split()))
    # a leading scenario ("Een burgemeester ontvangt doodsbedreigingen. Wie ...") does not
    # decide the kind: the last sentence that asks does
    parts = [p.strip() for p in re.split(r"(?<=[.!?])\s+", text) if p.strip()]
    asking = [p for p in parts if p.endswith("?")] or parts[-1:] or [text]
    for part in reversed(asking):
        for kind, pattern in _PATTERNS:
            if pattern.search(part):
                return kind
    return QuestionKind.OTHER


_FIRST_PERSON = re.compile(r"\b(ik|mij|mijn|me|we|wij|ons|onze)\b")


def is_situation(question: str) -> bool:
    """Does ``question`` describe a case (who is threatened, where, in which role) rather than
    ask in general? Several sentences, or a first-person account of some length."""
    text = fold(" ".join(question.split()))
    words = len(text.split())
    sentences = [p for p in re.split(r"(?<=[.!?])\s+", text) if len(p.split()) >= 3]
    return (len(sentences) >= 2 and words >= 18) or (bool(_FIRST_PERSON.search(text)) and words >= 12)



_ASKS_NUMBER = re.compile(
    r"^(?:hoeveel|hoe (?:veel|lang|hoog|groot|vaak|duur)|wat (?:kost|kosten|kostte|verdient|verdienen|bedraagt))\b"
    r"|\b(?:hoeveel|per (?:maand|jaar|week|dag)|in euro)")
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b|€|\b(?:twee|drie|vier|vijf|zes|zeven|negen|tien|twaalf|twintig|honderd|duizend|miljoen"
                     r"|miljard|procent|euro|eenmaal|tweemaal|driemaal|viermaal|jaarlijks|maandelijks|wekelijks|dagelijks)\b")


def asks_for_number(question: str) -> bool:
    """Does the question ask how many, how long, how much (an amount, a duration, a sum)?"""
    text = fold(" ".join(question.split()))
    parts = [p.strip() for p in re.split(r"(?<=[.!?])\s+", text) if p.strip()]
    asking = [p for p in parts if p.endswith("?")] or parts[-1:] or [text]
    return any(_ASKS_NUMBER.search(p) for p in asking)


#: Numbers that cite or date (artikel 16, lid 2, § 4.2, 2015) are no amounts.
_CITING = re.compile(r"\b(?:artikel|art|lid|leden|onder|sub|hoofdstuk|paragraaf|bijlage|categorie|nr|nummer)\.?\s*[\d.]+\w*"
                     r"|§\s*[\d.]+|\b(?:19|20)\d{2}\b|\b\d+(?:\.\d+)+\b")


def states_number(sentence: str) -> bool:
    """Does the sentence state an amount (digits, a number word, a frequency), other than the
    numbers that cite articles or date texts?"""
    return bool(_NUMBER.search(_CITING.sub(" ", fold(sentence))))
