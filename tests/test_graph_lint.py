"""The curation lint: clean on the shipped ABox, one failing fixture per kind of misreading."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kennis.config import Settings
from kennis.corpus import ingest
from kennis.errors import ValidationError
from kennis.graph.abox import load_curation
from kennis.graph.lint import KINDS, lint_curation, lint_summary, main_clause_modals

LINT_FIXTURES = Path(__file__).parent / "fixtures" / "lint"


@pytest.fixture
def lint_settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    shutil.copytree(LINT_FIXTURES / "corpus", corpus)
    abox = tmp_path / "abox"
    shutil.copytree(LINT_FIXTURES / "abox", abox)
    return Settings(corpus_dir=corpus, data_dir=tmp_path / "data", embedder="stand-in", abox_dir=abox)


@pytest.fixture
def lint_corpus(lint_settings: Settings):
    return ingest(lint_settings)


def _lint_with(settings: Settings, corpus, extra: str):
    """Lint the clean fixture ABox plus the statements in ``extra`` (TOML)."""
    (settings.abox_dir / "extra.toml").write_text(
        '[aliases]\nR10 = "BWBR9200001"\nR15 = "BWBR9200002"\n\n' + extra, encoding="utf-8")
    return lint_curation(load_curation(settings.abox_dir), corpus)


def _kinds(findings, owner: str) -> set[str]:
    return {f.kind for f in findings if f.owner == owner}


def test_clean_fixture_has_no_findings(lint_settings, lint_corpus):
    assert lint_curation(load_curation(lint_settings.abox_dir), lint_corpus) == []


def test_modal_verb_without_modality(lint_settings, lint_corpus):
    statement = """
[[competence]]
id = "bureau-sluit"
actor = "stallingsbureau"
action = "decide"
object = "stalling"
{modality}label = "Het Stallingsbureau {verb}"
src = [["R10", "1", "Het Stallingsbureau kan stallingen sluiten."]]
"""
    findings = _lint_with(lint_settings, lint_corpus, statement.format(modality="", verb="sluit stallingen"))
    assert _kinds(findings, "bureau-sluit") == {"modality"}
    assert "'kan'" in findings[0].message and findings[0].doc == "BWBR9200001"
    fixed = _lint_with(lint_settings, lint_corpus,
                       statement.format(modality='modality = "kan"\n', verb="kan stallingen sluiten"))
    assert fixed == []


@pytest.mark.parametrize("label, finding", [
    ("Het Stallingsbureau kan over extra toezicht besluiten", True),
    # a subordinate "kan" in the label counts as well: the label is what answers repeat
    ("Het Stallingsbureau besluit over extra toezicht als de eigenaar niet kan betalen", True),
    ("Het Stallingsbureau besluit over extra toezicht als de eigenaar niet in staat is te betalen", False),
])
def test_modal_verb_in_label_without_modality(lint_settings, lint_corpus, label: str, finding: bool):
    findings = _lint_with(lint_settings, lint_corpus, f"""
[[competence]]
id = "bureau-besluit"
actor = "stallingsbureau"
action = "decide"
object = "extra-toezicht"
label = "{label}"
src = [["R10", "1", "Het Stallingsbureau besluit over extra toezicht."]]
""")
    assert _kinds(findings, "bureau-besluit") == ({"modality"} if finding else set())
    if finding:
        assert "'kan'" in findings[0].message


def test_modality_kan_with_a_label_that_drops_it(lint_settings, lint_corpus):
    findings = _lint_with(lint_settings, lint_corpus, """
[[competence]]
id = "bureau-sluit"
actor = "stallingsbureau"
action = "decide"
object = "stalling"
modality = "kan"
label = "Het Stallingsbureau sluit stallingen"
src = [["R10", "1", "Het Stallingsbureau kan stallingen sluiten."]]
""")
    assert _kinds(findings, "bureau-sluit") == {"modality"}
    assert "label" in findings[0].message


def test_unknown_actor_id(lint_settings, lint_corpus):
    findings = _lint_with(lint_settings, lint_corpus, """
[[competence]]
id = "bureau-namens"
actor = "stallingsbureau"
action = "decide"
object = "extra-toezicht"
on_behalf_of = "minister-test-2010"
label = "Het Stallingsbureau besluit over extra toezicht"
src = [["R10", "1", "Het Stallingsbureau besluit over extra toezicht."]]
""")
    assert _kinds(findings, "bureau-namens") == {"unknown-id"}
    assert "minister-test-2010" in findings[0].message


def test_modal_verb_of_a_subordinate_clause_is_not_the_statements():
    assert main_clause_modals("De overheid treft maatregelen als de persoon geen weerstand kan bieden.") == []
    assert main_clause_modals("zodat de eerste (spoed)maatregelen getroffen kunnen worden") == []
    assert main_clause_modals("De CBB kan ook op eigen initiatief voordragen.") == ["kan"]


def test_actor_not_named_in_any_quote(lint_settings, lint_corpus):
    findings = _lint_with(lint_settings, lint_corpus, """
[[competence]]
id = "wethouder-besluit"
actor = "wethouder"
action = "decide"
object = "extra-toezicht"
label = "De wethouder besluit over extra toezicht"
src = [["R10", "1", "Het Stallingsbureau besluit over extra toezicht."]]
""")
    assert _kinds(findings, "wethouder-besluit") == {"actor-not-named"}


def test_actor_only_counterpart_of_passive_sentence(lint_settings, lint_corpus):
    statement = """
[[competence]]
id = "sc-stemt-af"
actor = "{actor}"
action = "coordinate"
object = "extra-toezicht"
{addressee}label = "Afstemming van de maatregelen"
src = [["R10", "3", "De maatregelen van het Stallingsbureau worden afgestemd met de stallingscoördinator."]]
"""
    findings = _lint_with(lint_settings, lint_corpus, statement.format(actor="sc", addressee=""))
    assert _kinds(findings, "sc-stemt-af") == {"passive-counterpart"}
    # the right reading: the bureau's measures are coordinated with the coordinator
    fixed = _lint_with(lint_settings, lint_corpus,
                       statement.format(actor="stallingsbureau", addressee='addressee = "sc"\n'))
    assert _kinds(fixed, "sc-stemt-af") == set()


def test_exception_in_next_sentence_without_condition(lint_settings, lint_corpus):
    findings = _lint_with(lint_settings, lint_corpus, """
[[competence]]
id = "gemeente-alle-stallingen"
actor = "gemeente"
action = "responsible"
object = "stalling"
label = "Alle stallingen vallen onder de gemeente"
src = [["R10", "2", "Stallingen vallen onder de gemeente."]]
""")
    assert _kinds(findings, "gemeente-alle-stallingen") == {"exception"}
    assert "niet voor" in next(f.message for f in findings if f.owner == "gemeente-alle-stallingen")


def test_source_in_edition_with_another_name(lint_settings, lint_corpus):
    findings = _lint_with(lint_settings, lint_corpus, """
[[competence]]
id = "bureau-besluit-2015"
actor = "stallingsbureau"
action = "decide"
object = "extra-toezicht"
label = "Het Stallingsbureau besluit over extra toezicht"
src = [
  ["R10", "1", "Het Stallingsbureau besluit over extra toezicht."],
  ["R15", "1", "De Stallingsdienst besluit over extra toezicht."],
]
""")
    assert _kinds(findings, "bureau-besluit-2015") == {"edition-name"}
    f = next(f for f in findings if f.owner == "bureau-besluit-2015")
    assert f.doc == "BWBR9200002" and "stallingsdienst" in f.message


def test_one_minister_where_the_text_names_a_generic_one(lint_settings, lint_corpus):
    findings = _lint_with(lint_settings, lint_corpus, """
[[mandate]]
id = "minister-bureau"
mandator = "minister-test"
mandatary = "stallingsbureau"
label = "Het Stallingsbureau besluit namens de minister"
src = [["R10", "3", "Het Stallingsbureau besluit namens de verantwoordelijke bewindspersoon."]]
""")
    assert "shared-minister" in _kinds(findings, "minister-bureau")


def test_one_minister_where_the_legal_basis_gives_the_power_jointly(lint_settings, lint_corpus):
    statement = """
[[competence]]
id = "minister-wijst-aan-wet"
actor = "minister-test"
action = "designate"
object = "stalling"
{condition}legal_basis = [["BWBR9200003", "artikel 1"]]
label = "De minister van Testzaken wijst stallingen aan"
src = [["R10", "3", "De minister van Testzaken wijst stallingen aan."]]
"""
    findings = _lint_with(lint_settings, lint_corpus, statement.format(condition=""))
    assert _kinds(findings, "minister-wijst-aan-wet") == {"shared-minister"}
    assert findings[0].doc == "BWBR9200003"
    fixed = _lint_with(lint_settings, lint_corpus, statement.format(
        condition='condition = "volgens de wet gezamenlijk met de minister van Fietszaken"\n'))
    assert fixed == []


def test_acknowledged_finding_needs_a_reason(lint_settings, lint_corpus):
    statement = """
[[competence]]
id = "wethouder-besluit"
actor = "wethouder"
action = "decide"
object = "extra-toezicht"
label = "De wethouder besluit over extra toezicht"
lint_ok = {{ "actor-not-named" = "{reason}" }}
src = [["R10", "1", "Het Stallingsbureau besluit over extra toezicht."]]
"""
    assert _lint_with(lint_settings, lint_corpus, statement.format(reason="de wethouder leidt het bureau (§ 1)")) == []
    with pytest.raises(ValidationError, match="lint_ok"):
        _lint_with(lint_settings, lint_corpus, statement.format(reason=" "))


def test_summary_counts_every_kind():
    assert set(lint_summary([])) == set(KINDS) and not any(lint_summary([]).values())


def test_cli_lint_exits_1_on_findings_and_prints_json(lint_settings, lint_corpus, capsys, monkeypatch):
    from kennis.cli import main

    monkeypatch.setenv("KENNIS_CORPUS_DIR", str(lint_settings.corpus_dir))
    monkeypatch.setenv("KENNIS_DATA_DIR", str(lint_settings.data_dir))
    monkeypatch.setenv("KENNIS_ABOX_DIR", str(lint_settings.abox_dir))
    assert main(["graph", "lint"]) == 0
    assert "geen bevindingen" in capsys.readouterr().out
    _lint_with(lint_settings, lint_corpus, """
[[competence]]
id = "wethouder-besluit"
actor = "wethouder"
action = "decide"
object = "extra-toezicht"
label = "De wethouder besluit over extra toezicht"
src = [["R10", "1", "Het Stallingsbureau besluit over extra toezicht."]]
""")
    assert main(["graph", "lint", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert [(f["kind"], f["owner"]) for f in out] == [("actor-not-named", "wethouder-besluit")]


@pytest.mark.integration
def test_shipped_abox_is_clean(real_settings):
    """CI: the curated ABox passes every check against the real texts."""
    findings = lint_curation(load_curation(), ingest(real_settings))
    assert findings == [], "\n".join(f"{f.kind} {f.owner}: {f.message}" for f in findings)
