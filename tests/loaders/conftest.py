from __future__ import annotations

from pathlib import Path

import pytest

from ctair.loaders.concepts import Concepts
from ctair.loaders.corpus import read_corpus
from ctair.loaders.pipeline import extract
from ctair.loaders.registry import Registry

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
CURATION = CORPUS / "curation"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry.load(CURATION)


@pytest.fixture(scope="session")
def registry_dir() -> Path:
    return CURATION


@pytest.fixture(scope="session")
def mini_concepts() -> Concepts:
    return Concepts.load(FIXTURES / "schemes-mini.ttl")


@pytest.fixture(scope="session")
def corpus():
    return read_corpus(CORPUS)


@pytest.fixture(scope="session")
def extraction(corpus):
    """The whole corpus through the pipeline, with NER (spaCy loads once per session)."""
    return extract(corpus, CURATION, ner=True)
