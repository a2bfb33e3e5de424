"""Names across time: the labels, alternative labels and successions of the graph as
query expansions.

The same body goes by several names (``HOvJ``, ``hoofdofficier van justitie``) and bodies
are succeeded by others (the NCTb by the NCTV in 2012, the KLPD by the Landelijke Eenheid
in 2013). A question in today's words must find the text of its time and the other way
round, so a name in a query brings the other names of its body and of the bodies that
preceded or succeeded it. Point-in-time selection then decides which texts are read.

The groups are taken from the built graph when the index is built (``names.json``);
nothing here loads the store at query time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from kennis.text import fold

#: Names this short only count when written as the graph writes them (``OM``, ``DI``),
#: so that Dutch words (``om``, ``di``) do not match.
_CASE_SENSITIVE_LEN = 3


def name_groups(graph_file: Path) -> list[dict[str, Any]]:
    """``[{"names": [...], "related": [group indices]}]`` for every actor and concept of
    the graph in ``graph_file`` that has more than one name or a predecessor or successor;
    ``[]`` when there is no graph (an index built on its own)."""
    if not graph_file.is_file():
        return []
    from kennis.graph.queries import PREFIXES
    from kennis.graph.store import OxigraphStore

    store = OxigraphStore.from_file(graph_file)
    rows = store.select(PREFIXES + """
        SELECT ?x ?name WHERE {
          { ?x a kb:Actor } UNION { ?x a skos:Concept }
          ?x skos:prefLabel|skos:altLabel ?name .
          FILTER(lang(?name) = "nl" || lang(?name) = "")
        }""")
    names: dict[str, list[str]] = {}
    for r in rows:
        x, name = r["x"] or "", " ".join((r["name"] or "").split())
        if name and name not in names.setdefault(x, []):
            names[x].append(name)
    links = [(r["a"] or "", r["b"] or "") for r in store.select(PREFIXES + "SELECT ?a ?b WHERE { ?a kb:succeededBy ?b }")]
    linked = {x for pair in links for x in pair}
    keep = sorted(x for x, ns in names.items() if len(ns) > 1 or x in linked)
    index = {x: i for i, x in enumerate(keep)}
    related: dict[int, set[int]] = {i: set() for i in range(len(keep))}
    for a, b in links:
        if a in index and b in index:
            related[index[a]].add(index[b])
            related[index[b]].add(index[a])
    return [{"names": sorted(names[x], key=lambda n: (-len(n), n)), "related": sorted(related[i])}
            for i, x in enumerate(keep)]


@dataclass(frozen=True)
class NameExpansion:
    """What a query's names bring: other names of the same body, and names of its
    predecessors and successors."""

    same: tuple[str, ...] = ()
    across_time: tuple[str, ...] = ()


class Names:
    """Matches the names of :func:`name_groups` in a query, longest first, without overlaps."""

    def __init__(self, groups: Sequence[dict[str, Any]],
                 lower_case_short: Callable[[str], bool] | None = None) -> None:
        """``lower_case_short(word)``: whether a short word typed in lower case stands for
        the abbreviation (``cbb``); by default short names count only as written."""
        self.groups = [list(g["names"]) for g in groups]
        self._lower_case_short = lower_case_short
        self.related = [list(g.get("related", ())) for g in groups]
        self._long: dict[str, list[int]] = {}
        self._short: dict[str, list[int]] = {}
        for gi, ns in enumerate(self.groups):
            for n in ns:
                table, key = (self._short, n) if len(n) <= _CASE_SENSITIVE_LEN else (self._long, fold(n))
                if gi not in table.setdefault(key, []):
                    table[key].append(gi)
        # One alternation each, longest first: at every position the longest name wins
        # (``Korps landelijke politiediensten`` over ``politie``), and matches never overlap.
        self._long_rx = _alternation(self._long)
        self._short_rx = _alternation(self._short)
        self._short_folded: dict[str, list[int]] = {}
        for n, gis in self._short.items():
            bucket = self._short_folded.setdefault(fold(n), [])
            bucket.extend(gi for gi in gis if gi not in bucket)
        self._short_lower_rx = _alternation(self._short_folded) if lower_case_short else None

    def __len__(self) -> int:
        return len(self.groups)

    def matches(self, text: str) -> list[int]:
        """Indices of the groups named in ``text``, in order of first mention."""
        low = fold(text)
        found = [(m.start(), m.end(), self._long[m.group(0)]) for m in self._long_rx.finditer(low)] \
            if self._long_rx else []
        if self._short_rx and len(low) == len(text):
            for m in self._short_rx.finditer(text):
                if not any(s < m.end() and m.start() < e for s, e, _ in found):
                    found.append((m.start(), m.end(), self._short[m.group(0)]))
            if self._short_lower_rx and self._lower_case_short:
                for m in self._short_lower_rx.finditer(low):
                    typed = text[m.start():m.end()]
                    if typed.islower() and self._lower_case_short(typed) and \
                            not any(s < m.end() and m.start() < e for s, e, _ in found):
                        found.append((m.start(), m.end(), self._short_folded[m.group(0)]))
        out: list[int] = []
        for _, _, gis in sorted(found, key=lambda f: f[0]):
            out.extend(gi for gi in gis if gi not in out)
        return out

    def expand(self, text: str) -> NameExpansion:
        """The other names of the bodies ``text`` names, and of their predecessors and successors."""
        hit = self.matches(text)
        low = fold(text)
        same: list[str] = []
        later: list[str] = []
        for gi in hit:
            same.extend(n for n in self.groups[gi] if n not in same and not _mentions(low, fold(n)))
            for rj in self.related[gi]:
                if rj not in hit:
                    later.extend(n for n in self.groups[rj] if n not in later)
        return NameExpansion(tuple(same), tuple(n for n in later if n not in same))


def _mentions(folded_text: str, folded_name: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(folded_name) + r"(?!\w)", folded_text) is not None


def _alternation(names: dict[str, list[int]]) -> re.Pattern[str] | None:
    if not names:
        return None
    alts = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    return re.compile(r"(?<!\w)(?:" + alts + r")(?!\w)")
