"""Who does what in a sentence: the actor a Dutch sentence assigns a competence to.

The answer to *who* is the agent of the sentence that states the competence, not any
actor the sentence names. Dutch marks the agent in a few ways, which are read here from
the words around each actor mention:

- the agent of a passive: *… wordt **door de** CBB vastgesteld*;
- where a competence lies: *… **ligt bij de** HOvJ*, *… **onder gezag van de** burgemeester*;
- the subject at the head of the clause: *De HOvJ draagt hierover het gezag*, also after a
  fronted verb (*Daarnaast **draagt de** HOvJ …*);
- a subject at the head of the clause acts *under* the responsibility it names: in *De NCTV
  is onder verantwoordelijkheid van de minister belast met …* the NCTV is the agent;
- the antecedent of a relative clause acts in it: *… met de X, **die** verantwoordelijk is …*;
- the one threatened or protected (*de bedreigde burgemeester*) is the case, not the agent;
- a counterpart is not the agent: *… **met de** beleidsmedewerker afgestemd*, *… **aan de**
  CBB gemeld*, *… **namens de** minister* (the principal, not the one who acts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from kennis.answer.linking import Mention
from kennis.answer.expect import fold_in_place

#: Articles and possessives before a name; laws say *Onze Minister* for the minister they concern.
_ART = r"(?:de|het|een|die|deze|zijn|haar|hun|onze)?\s*"
_AGENT_PASSIVE = re.compile(r"\bdoor\s+" + _ART + r"$")
_UNDER = (r"\b(?:onder|onder het|onder de|in)\s+(?:\w+\s+){0,2}(?:gezag|verantwoordelijkheid|leiding|regie|mandaat"
          r"|bevoegdheid|coordinatie|aansturing)\s+(?:van\s+)?")
_AGENT_UNDER = re.compile(_UNDER + _ART + r"$")
_AGENT_LOCUS = re.compile(
    r"\b(?:(?:onder|onder het|onder de|in)\s+(?:\w+\s+){0,2}(?:gezag|verantwoordelijkheid|leiding|regie|mandaat|bevoegdheid|coordinatie|aansturing)"
    r"|(?:gezag|verantwoordelijkheid|bevoegdheid|taak|taken|rol|leiding|regie|beslissing|besluitvorming)"
    r"|(?:ligt|liggen|lag|lagen|berust|berusten|rust|rusten|is belegd|zijn belegd|wordt belegd|worden belegd|belegd)(?:\s+\w+){0,3}\s+bij)\s+(?:van\s+)?"
    + _ART + r"$"
)
_FRONTED_VERB = re.compile(
    r"(?:^|[,;:]\s*|\b(?:daarnaast|tevens|verder|ook|dan|vervolgens|daarbij|hierbij|hierover|daarover|bovendien|voorts"
    r"|vooral|primair|in dat geval|in die gevallen|in beginsel|derhalve|dus|zo)\s+)"
    r"(?:is|zijn|was|waren|wordt|worden|draagt|dragen|heeft|hebben|kan|kunnen|zal|zullen|moet|moeten|mag|mogen"
    r"|neemt|nemen|stelt|stellen|beslist|beslissen|besluit|bepaalt|bepalen|voert|voeren|geeft|geven|vraagt|vragen"
    r"|adviseert|adviseren|informeert|draagt|coordineert|verzorgt|levert|leveren|beoordeelt|ziet|houdt|treft|treffen)\s+"
    + _ART + r"$"
)
_LEAD_IN = re.compile(
    r"^\W*(?:(?:de|het|een|ook|daarnaast|tevens|verder|bovendien|voorts|in beginsel|primair|zowel|alleen|enkel|uitsluitend)\W+)*$"
)
_RELATIVE = re.compile(r"^\s*(?:\([^)]*\))?\s*,\s*(?:die|dat|welke|wie)\s+(?!\w+\s+(?:door|met|aan)\b)")
_PREP = re.compile(r"\b(met|aan|door|bij|van|onder|voor|tot|namens|naar|over|in)\s+" + _ART + r"$")
#: The staff of an organisation as the subject (*De functionarissen werkzaam bij DB3 …*): it acts.
_STAFF_OF = re.compile(r"^\W*(?:de\s+)?(?:\w+\s+)?(?:functionarissen|medewerkers|ambtenaren|leden|mensen)\s+"
                       r"(?:werkzaam\s+)?(?:bij|van)\s+" + _ART + r"$")
#: The least role an actor of a sentence needs to be offered as who acts in it (the answer).
ANSWER_ROLE = 0.3
#: The one threatened or protected (*de **bedreigde** burgemeester*) undergoes what is done: its
#: role stays below :data:`ANSWER_ROLE`, so that a sentence naming only the threatened (*als de
#: bedreigde burgemeester … woont, kan de hoofdofficier …* where the hoofdofficier is asked about)
#: offers no agent rather than the case as its answer.
_PATIENT = re.compile(r"\b(?:bedreigde|beveiligde|te beveiligen|te beschermen)\s+$")
_PATIENT_ROLE = 0.2
_CONJUNCT = re.compile(r"^\s*,?\s*(?:en|of|en/of)\s+" + _ART + r"$")
_COUNTERPART = re.compile(r"\b(?:met|aan|tot|naar|jegens|namens|tegenover|richting|over|van|voor|bij)\s+" + _ART + r"$")


@dataclass(frozen=True)
class Agent:
    """An actor mention in a sentence with how surely it is the one that acts (0..1)."""

    mention: Mention
    role: float
    prep: str = ""  # the preposition right before the mention ("met", "aan", "door"), if any


def agents(sentence: str, mentions: Sequence[Mention]) -> list[Agent]:
    """The actor mentions of ``sentence`` (positions relative to it), likeliest agent first."""
    text = fold_in_place(sentence)
    out = []
    first_start = min((m.start for m in mentions if m.kind == "actor"), default=-1)
    previous: Agent | None = None
    for m in sorted((m for m in mentions if m.kind == "actor"), key=lambda m: m.start):
        before = text[max(0, m.start - 60): m.start]
        if previous is not None and _CONJUNCT.match(text[previous.mention.end: m.start]):
            # "op verzoek van Onze Minister van BZK en Onze Minister van VenJ": a conjunct shares the role
            previous = Agent(m, previous.role, previous.prep)
            out.append(previous)
            continue
        if _AGENT_PASSIVE.search(before):
            role = 1.0
        elif _AGENT_LOCUS.search(before):
            role = 0.95
        elif m.start == first_start and (_LEAD_IN.match(text[: m.start]) or _STAFF_OF.match(text[: m.start])):
            role = 0.9
        elif _FRONTED_VERB.search(before):
            role = 0.8
        elif _COUNTERPART.search(before):
            role = 0.25
        else:
            role = 0.5
        if _RELATIVE.match(text[m.end: m.end + 40]):
            role = max(role, 0.85)  # "… met de X, die verantwoordelijk is voor …": X acts in the clause
        if _PATIENT.search(before):
            role = min(role, _PATIENT_ROLE)
        prep = _PREP.search(before)
        previous = Agent(m, role, prep.group(1) if prep else "")
        out.append(previous)
    if any(a.role == 0.9 for a in out):
        # "De NCTV is onder verantwoordelijkheid van de minister belast met …": the subject acts,
        # the one under whose responsibility it acts is its principal
        out = [Agent(a.mention, 0.7, a.prep) if a.role == 0.95
               and _AGENT_UNDER.search(text[max(0, a.mention.start - 60): a.mention.start]) else a for a in out]
    out.sort(key=lambda a: (-a.role, a.mention.start))
    return out
