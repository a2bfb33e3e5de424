"""Shared fixtures: a tiny corpus written for the tests and settings pointing at it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kennis.config import REPO_ROOT, Settings

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"
FIXTURE_ABOX = Path(__file__).parent / "fixtures" / "abox"
REAL_CORPUS = REPO_ROOT.parent / "shared" / "corpus"


@pytest.fixture
def fixture_corpus(tmp_path: Path) -> Path:
    """A writable copy of the fixture corpus (tests may break it on purpose)."""
    target = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, target)
    return target


@pytest.fixture
def settings(fixture_corpus: Path, tmp_path: Path) -> Settings:
    return Settings(corpus_dir=fixture_corpus, data_dir=tmp_path / "data", embedder="stand-in", abox_dir=FIXTURE_ABOX)


@pytest.fixture
def real_settings(tmp_path: Path) -> Settings:
    import os

    corpus = Path(os.environ.get("KENNIS_CORPUS_DIR", REAL_CORPUS))
    if not (corpus / "MANIFEST.toml").is_file():
        pytest.skip("the real corpus is not available")
    return Settings(corpus_dir=corpus, data_dir=tmp_path / "data", embedder="stand-in")


@pytest.fixture(scope="session")
def built_kennis(tmp_path_factory: pytest.TempPathFactory):
    """The real core over a knowledge base built once from the fixture corpus (stand-in embedder)."""
    from kennis.progress import Progress
    from kennis.service import Kennis

    settings = Settings(corpus_dir=FIXTURE_CORPUS, data_dir=tmp_path_factory.mktemp("built") / "data",
                        embedder="stand-in", abox_dir=FIXTURE_ABOX)
    k = Kennis(settings)
    k.build(Progress(quiet=True))
    yield k
    k.close()


@pytest.fixture(scope="session")
def real_kb():
    """The core over the knowledge base ``./setup.sh`` built from the shipped corpus with the
    real model; skipped when it is absent."""
    from kennis.service import Kennis

    settings = Settings.from_env()
    k = Kennis(settings)
    if not k.is_built or not (settings.kb_dir / "index").is_dir():
        pytest.skip(f"no knowledge base built in {settings.kb_dir} (run ./setup.sh)")
    if settings.embedder == "stand-in":
        pytest.skip("the quality figures are for the real model")
    return k
