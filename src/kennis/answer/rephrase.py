"""Optional: let a generative model rephrase an answer from its retrieved sources.

Off by default. With ``KENNIS_LLM_ENDPOINT`` set to an OpenAI-compatible base URL (for
instance a local model server), the composed answer and its quoted sources are sent to
``/chat/completions`` and the reply replaces the answer text, which must still cite the
sources by number. Anything that goes wrong keeps the composed answer: the sources,
actors and quotes never come from the model.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from kennis.models import Answer

_PROMPT = (
    "Je bent een assistent voor nieuwe medewerkers in het stelsel bewaken en beveiligen. "
    "Herformuleer het antwoord in helder Nederlands, gebruik alleen de genummerde bronnen en "
    "verwijs ernaar als [1], [2]. Voeg niets toe dat niet in de bronnen staat."
)


def rephrase(answer: Answer, endpoint: str, model: str = "", *, client: Any = None, timeout: float = 20.0) -> Answer:
    """The answer with its text rephrased by the model, or unchanged when that fails."""
    if not answer.answered or not answer.sources:
        return answer
    import httpx

    sources = "\n".join(f"[{i}] {s.doc} {s.ref}: “{s.quote}”" for i, s in enumerate(answer.sources, 1))
    payload = {
        "model": model or "default",
        "temperature": 0,
        "messages": [
            {"role": "system", "content": _PROMPT},
            {"role": "user", "content": f"Vraag: {answer.question}\nAntwoord: {answer.answer}\nBronnen:\n{sources}"},
        ],
    }
    try:
        http = client or httpx.Client(timeout=timeout)
        response = http.post(endpoint.rstrip("/") + "/chat/completions", json=payload)
        response.raise_for_status()
        text = response.json()["choices"][0]["message"]["content"].strip()
    except Exception:  # noqa: BLE001 - the composed answer stands whenever the model fails
        return answer
    if not text or not re.search(r"\[\d+\]", text):
        return answer  # an answer that cites nothing is not taken
    return replace(answer, answer=text)
