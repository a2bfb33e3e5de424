"""The actor page shows what changed between two editions (fixture editions, AppTest)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from kennis.config import REPO_ROOT, Settings
from kennis.progress import Progress

pytest.importorskip("streamlit")
from streamlit import config as st_config  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

st_config.set_option("runner.magicEnabled", False)
EDITIONS = Path(__file__).parent / "fixtures" / "editions"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    from kennis.service import Kennis

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KENNIS_CORPUS_DIR", str(EDITIONS / "corpus"))
        mp.setenv("KENNIS_DATA_DIR", str(tmp_path_factory.mktemp("edapp") / "data"))
        mp.setenv("KENNIS_EMBEDDER", "stand-in")
        mp.setenv("KENNIS_ABOX_DIR", str(EDITIONS / "abox"))
        for name in ("KENNIS_SPARQL_ENDPOINT", "KENNIS_LLM_ENDPOINT", "KENNIS_MODEL"):
            mp.delenv(name, raising=False)
        settings = Settings.from_env()
        Kennis(settings).build(Progress(quiet=True))
        yield settings


def test_actor_page_shows_changes_between_editions(built: Settings) -> None:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.query_params["page"] = "actoren"
    at.query_params["actor"] = "havenmeester"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.toggle(key="actor_changes").set_value(True).run()
    assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
    # the older and the newer edition are preselected
    assert at.selectbox(key="chg_from").value == "BWBR9100001/2010-01-01"
    assert at.selectbox(key="chg_to").value == "BWBR9100002/2016-01-01"
    text = "\n".join(m.value for m in at.markdown)
    assert "Anders geformuleerd of verplaatst" in text
    assert "De havenmeester beslist over de inzet van extra bewaking" in text
    assert "§ 1.2" in text and "§ 3.2" in text  # both places, both quotes
    # the other way round, nothing disappears for the havenmeester either: it moved
    at.selectbox(key="chg_from").set_value("BWBR9100002/2016-01-01")
    at.selectbox(key="chg_to").set_value("BWBR9100001/2010-01-01").run()
    assert not at.exception and not at.error
    assert "Vervallen" not in "\n".join(m.value for m in at.markdown if m.value.startswith("**"))
