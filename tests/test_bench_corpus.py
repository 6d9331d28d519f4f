"""The synthetic corpus of the benchmarks (bench/generate.py) is read as the real one is: its
registry loads (every point cites its source) and every action it writes comes back, so the
benchmarks measure ctair on the number of actions they say."""

from __future__ import annotations

from bench.generate import generate
from ctair.loaders.corpus import read_corpus
from ctair.loaders.pipeline import extract


def test_the_benchmark_corpus_reads_back_whole(tmp_path):
    corpus = tmp_path / "corpus"
    summary = generate(corpus, 200)
    extraction = extract(read_corpus(corpus), corpus / "curation", ner=False)
    zooms = max(1, 200 // 50)  # a zoom is a contract, not an action
    assert sum(len(records.actions) for records in extraction.automatic) == summary["actions_requested"] - zooms
    assert all(records.contracts for records in extraction.automatic)
