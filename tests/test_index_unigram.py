"""The flat-file Unigram tokenizer gives the ids of ``tokenizers`` on the same vocabulary."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from kennis.index.unigram import FastUnigram, write_tables

# A small vocabulary with overlapping pieces, so that the Viterbi search has choices and ties.
_PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁de", "▁be", "▁bev", "▁beveilig", "veilig", "ing", "in", "g",
           "ver", "▁ver", "s", "e", "i", "l", "v", "b", "d", "n", "a", "r", "t", "o", "ü", "é", "▁het", "h", "et",
           "1", "2", ",", ".", "▁-", "-", "ij", "▁ij", "fi"]


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, processors

    folder = tmp_path_factory.mktemp("unigram")
    # scores with exact ties (-2.0) and near ties
    vocab = [(p, 0.0 if p.startswith("<") else -1.0 - (i % 5) * 0.5) for i, p in enumerate(_PIECES)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=3, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.NFKC(), normalizers.Replace(Regex("[\\x{1}\\x{7f}]"), ""),
        normalizers.Replace(Regex("[\\x{9}\\x{a}\\x{2581}]"), " "), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    tok.add_special_tokens(["<s>", "<pad>", "</s>", "<unk>"])
    tok.save(str(folder / "tokenizer.json"))
    assert write_tables(folder / "tokenizer.json", folder / "flat", ["de beveiliging", "x"], max_length=16)
    ref = Tokenizer.from_file(str(folder / "tokenizer.json"))
    ref.enable_truncation(16)
    return FastUnigram(folder / "flat"), ref


@pytest.mark.parametrize("text", ["de beveiliging", "  de\tbeveiliging  ", "béveiligïng", "ĳ ﬁ ½", "12,1-2.",
                                  "unknown qqq zzz", "de▁het", "\x01\x7fde", "x", "beveiliging " * 10,
                                  "\x01", " ", "\t\x7f"])
def test_same_ids_as_tokenizers(pair, text):
    fast, ref = pair
    assert fast.handles(text)
    assert fast.encode(text, 16) == ref.encode(text).ids


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("debvilgnrstoühaéij12,.- \t▁zﬁ½\x01")), min_size=1, max_size=40))
def test_same_ids_on_generated_text(pair, text):
    fast, ref = pair
    assert fast.encode(text, 16) == ref.encode(text).ids


def test_special_tokens_and_other_normalisers_are_left_to_tokenizers(pair, tmp_path):
    fast, _ = pair
    assert not fast.handles("tekst met <s> erin") and not fast.handles("")
    folder = tmp_path / "other"
    folder.mkdir()
    spec = {"model": {"type": "BPE"}, "normalizer": None, "pre_tokenizer": None, "post_processor": None}
    (folder / "tokenizer.json").write_text(json.dumps(spec))
    assert not write_tables(folder / "tokenizer.json", folder / "flat", ["x"])
    assert not (folder / "flat").exists() or not any((folder / "flat").iterdir())
