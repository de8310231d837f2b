"""GGUF checkpoints for the causal-LM backend, with a tiny random Llama written here.

The GGUF file is written with the ``gguf`` package's writer from a randomly
initialised 1-layer Llama (hidden size 16) and a 265-token Llama-style
vocabulary (byte fallback), so transformers loads it exactly as it loads a
real GGUF checkpoint (dequantisation, tokenizer conversion), in well under a
second. Never downloaded; the real Gemma 3 270M run is a benchmark
(benchmarks/bench_causal_lm.py), not a test.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import types
from pathlib import Path

import numpy as np
import pytest

GGUF_REASON = "needs the GGUF extra: pip install 'nashalign[gguf]'"
if any(importlib.util.find_spec(m) is None for m in ("torch", "transformers")):
    pytest.skip(
        "needs the scoring extra: pip install 'nashalign[scoring]'", allow_module_level=True
    )
if any(importlib.util.find_spec(m) is None for m in ("gguf", "accelerate")):
    pytest.skip(GGUF_REASON, allow_module_level=True)

import torch  # noqa: E402

from nashalign.cli import main  # noqa: E402
from nashalign.errors import InputError  # noqa: E402
from nashalign.scoring import causal_lm, gguf_models  # noqa: E402
from nashalign.scoring.cache import CACHE_ENV  # noqa: E402
from nashalign.scoring.causal_lm import CausalLMScorer  # noqa: E402
from nashalign.scoring.datasets import Dataset  # noqa: E402
from nashalign.scoring.estimate import estimate_instance  # noqa: E402

pytestmark = pytest.mark.scoring

CONTEXTS = [
    "The rent went up again, what are you doing about it?",
    "Short post.",
    "We lost the final in the last minute and I am not over it.",
]
SUBS = {"saver": ["I save every month.", "Budgets calm me."], "spender": ["Buy the shoes!"]}
TOKENS = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
TOKENS += ["▁the", "▁I", "▁a", "e", "t", "▁"]
_Q = {
    "self_attn.q_proj.weight": "attn_q.weight",
    "self_attn.k_proj.weight": "attn_k.weight",
    "self_attn.v_proj.weight": "attn_v.weight",
    "self_attn.o_proj.weight": "attn_output.weight",
    "mlp.gate_proj.weight": "ffn_gate.weight",
    "mlp.up_proj.weight": "ffn_up.weight",
    "mlp.down_proj.weight": "ffn_down.weight",
    "input_layernorm.weight": "attn_norm.weight",
    "post_attention_layernorm.weight": "ffn_norm.weight",
}
_TOP = {
    "model.embed_tokens.weight": "token_embd.weight",
    "model.norm.weight": "output_norm.weight",
    "lm_head.weight": "output.weight",
}


def _permute(w: np.ndarray, n_head: int) -> np.ndarray:
    """llama.cpp's rotary layout of q/k rows (transformers undoes it on load)."""
    return (
        w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:])
        .swapaxes(1, 2)
        .reshape(w.shape)
    )


def write_tiny_gguf(path: Path, add_bos: bool = True, seed: int = 0) -> Path:
    """A random 1-layer Llama as a GGUF file (F32 tensors, Llama tokenizer with byte fallback)."""
    import gguf
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    cfg = LlamaConfig(
        vocab_size=len(TOKENS),
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=256,
        bos_token_id=1,
        eos_token_id=2,
        tie_word_embeddings=False,
    )
    model = LlamaForCausalLM(cfg).eval()
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name("tiny llama")
    w.add_context_length(256)
    w.add_embedding_length(16)
    w.add_block_count(1)
    w.add_feed_forward_length(32)
    w.add_head_count(2)
    w.add_head_count_kv(2)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_rope_freq_base(10000.0)
    w.add_vocab_size(len(TOKENS))
    w.add_tokenizer_model("llama")
    w.add_token_list(TOKENS)
    w.add_token_scores([0.0] * 259 + [-1.0, -2.0, -3.0, -4.0, -5.0, -6.0])
    w.add_token_types([2, 3, 3] + [6] * 256 + [1] * 6)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    w.add_add_bos_token(add_bos)
    for key, value in model.state_dict().items():
        arr = value.float().numpy()
        if key in _TOP:
            name = _TOP[key]
        else:
            parts = key.split(".")
            name = f"blk.{parts[2]}.{_Q['.'.join(parts[3:])]}"
            if "attn_q" in name or "attn_k" in name:
                arr = _permute(arr, 2)
        w.add_tensor(name, np.ascontiguousarray(arr))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


@pytest.fixture(scope="module")
def gguf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("tiny-gguf")
    write_tiny_gguf(d / "tiny.gguf", add_bos=True)
    write_tiny_gguf(d / "tiny-nobos.gguf", add_bos=False)
    return d


@pytest.fixture(scope="module")
def scorer(gguf_dir: Path) -> CausalLMScorer:
    return CausalLMScorer(
        gguf_dir, gguf_file="tiny.gguf", device="cpu", batch_size=4, progress=False
    )


def manual(scorer: CausalLMScorer, context: str, statement: str) -> float:
    """One unpadded forward pass with an explicit BOS."""
    model, tok = scorer.load()
    c = [tok.bos_token_id] + tok(context + "\n", add_special_tokens=False)["input_ids"]
    s = tok(statement, add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        lp = torch.log_softmax(model(torch.tensor([c + s])).logits[0].double(), -1)
    return float(np.mean([lp[len(c) + i - 1, t].item() for i, t in enumerate(s)]))


def test_gguf_scores_match_unpadded_passes(scorer: CausalLMScorer) -> None:
    statements = [s for v in SUBS.values() for s in v]
    LP = scorer.statement_logprobs(CONTEXTS, statements)
    expected = [[manual(scorer, c, s) for s in statements] for c in CONTEXTS]
    np.testing.assert_allclose(LP, expected, atol=1e-5)
    model, _ = scorer.load()
    assert type(model).__name__ == "LlamaForCausalLM"


def test_the_three_ways_to_name_a_gguf_file(scorer: CausalLMScorer, gguf_dir: Path) -> None:
    first = scorer.score(CONTEXTS, SUBS)
    by_path = CausalLMScorer(gguf_dir / "tiny.gguf", device="cpu", progress=False)
    absolute = CausalLMScorer(gguf_dir, gguf_file=gguf_dir / "tiny.gguf", device="cpu")
    np.testing.assert_allclose(by_path.score(CONTEXTS, SUBS), first, atol=1e-6)
    np.testing.assert_allclose(absolute.score(CONTEXTS, SUBS), first, atol=1e-6)
    assert by_path.fingerprint == scorer.fingerprint == absolute.fingerprint


def test_bos_is_added_once_whatever_the_tokenizer_does(scorer: CausalLMScorer, gguf_dir) -> None:
    nobos = CausalLMScorer(gguf_dir, gguf_file="tiny-nobos.gguf", device="cpu", progress=False)
    _, tok = nobos.load()
    assert tok("hi")["input_ids"][0] != tok.bos_token_id  # adds no BOS by itself
    _, tok_bos = scorer.load()
    assert tok_bos("hi")["input_ids"][0] == tok_bos.bos_token_id  # adds one by itself
    # Same weights (same seed), so the same scores: one BOS in both prompts.
    np.testing.assert_allclose(nobos.score(CONTEXTS, SUBS), scorer.score(CONTEXTS, SUBS), atol=1e-6)


def test_logits_only_at_reply_positions_equal_full_logits(
    scorer: CausalLMScorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    model, _ = scorer.load()
    assert causal_lm._keeps_logits_by_mask(type(model).forward)
    kept = scorer.score(CONTEXTS, SUBS)
    monkeypatch.setattr(causal_lm, "_keeps_logits_by_mask", lambda forward: False)
    np.testing.assert_allclose(scorer.score(CONTEXTS, SUBS), kept, atol=1e-6)


def test_estimate_provenance_and_subsample(gguf_dir: Path, tmp_path: Path) -> None:
    ctx = [("a", c) for c in CONTEXTS] + [("b", "Hi."), ("b", "Yo."), ("b", "Hey."), ("c", "Ok.")]
    ds = Dataset("tiny", SUBS, ctx)
    inst = estimate_instance(
        ds,
        backend="causal-lm",
        model=gguf_dir,
        gguf_file="tiny.gguf",
        device="cpu",
        cache_dir=tmp_path,
        contexts_per_topic=2,
        progress=False,
    )
    assert inst.n == 5  # 2 of a, 2 of b, 1 of c
    p = inst.provenance
    assert p["model"] == str(gguf_dir / "tiny.gguf") and p["gguf_file"] == str(
        gguf_dir / "tiny.gguf"
    )
    assert p["model_type"] == "llama" and p["model_fingerprint"].startswith("sha256:")
    assert p["libraries"]["gguf"] != "not installed"
    sub = p["context_subsample"]
    assert sub["contexts_per_topic"] == 2 and sub["full_n_contexts"] == 7
    assert sub["full_dataset_checksum"] == ds.checksum != p["dataset_checksum"]
    json.dumps(inst.to_dict(), allow_nan=False)


# --- bad input ------------------------------------------------------------------------


def _one_line(exc: pytest.ExceptionInfo[InputError]) -> str:
    text = str(exc.value)
    assert "\n" not in text
    return text


def test_bad_gguf_files_are_one_line_errors(gguf_dir: Path, tmp_path: Path) -> None:
    good = (gguf_dir / "tiny.gguf").read_bytes()
    (tmp_path / "truncated.gguf").write_bytes(good[: len(good) * 2 // 3])
    (tmp_path / "header-cut.gguf").write_bytes(good[:200])
    (tmp_path / "text.gguf").write_text("just some text, not a model")
    (tmp_path / "garbage.gguf").write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\xff" * 64)
    (tmp_path / "empty.gguf").write_bytes(b"")
    cases = {
        "missing.gguf": "does not exist",
        "truncated.gguf": "is truncated: its tensors need",
        "header-cut.gguf": "is truncated",
        "text.gguf": "is not a GGUF file",
        "garbage.gguf": "is corrupt",
        "empty.gguf": "is not a GGUF file",
    }
    for name, fragment in cases.items():
        with pytest.raises(InputError) as info:
            CausalLMScorer(tmp_path, gguf_file=name, device="cpu")
        assert fragment in _one_line(info), name
        with pytest.raises(InputError) as info:  # the file itself as --model
            CausalLMScorer(tmp_path / name, device="cpu")
        _one_line(info)
    with pytest.raises(InputError, match="is not a directory"):
        CausalLMScorer(gguf_dir / "tiny.gguf", gguf_file="tiny.gguf")
    with pytest.raises(InputError, match="does not exist"):
        CausalLMScorer(tmp_path / "nodir", gguf_file="tiny.gguf")


def test_unloadable_gguf_is_one_line_at_load(tmp_path: Path, gguf_dir: Path) -> None:
    """A header that parses but a model transformers cannot build: one line when loading."""
    import gguf

    w = gguf.GGUFWriter(str(tmp_path / "odd.gguf"), "llama")
    w.add_name("no config at all")
    w.add_tensor("token_embd.weight", np.zeros((4, 4), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    sc = CausalLMScorer(tmp_path, gguf_file="odd.gguf", device="cpu", progress=False)
    with pytest.raises(InputError, match="cannot load a causal language model") as info:
        sc.score(CONTEXTS, SUBS)
    _one_line(info)


def run_cli(argv: list[str], capfd) -> tuple[int, str, str]:
    code = main(["estimate", *argv])
    out, err = capfd.readouterr()
    return code, out, err


def test_cli_bad_gguf_exit_2_nothing_created(
    tmp_path: Path, gguf_dir: Path, capfd, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    good = (gguf_dir / "tiny.gguf").read_bytes()
    models = tmp_path / "models"
    models.mkdir()
    (models / "cut.gguf").write_bytes(good[: len(good) // 2])
    out = tmp_path / "inst.json"  # must not be written
    for gguf_file in ("absent.gguf", "cut.gguf"):
        code, _, err = run_cli(
            [
                "--dataset",
                "politics",
                "--backend",
                "causal-lm",
                "--model",
                str(models),
                "--gguf-file",
                gguf_file,
                "--out",
                str(out),
            ],
            capfd,
        )
        lines = [x for x in err.splitlines() if x.strip()]
        assert code == 2 and len(lines) == 1 and "Traceback" not in err, err
        assert lines[0].startswith("nashalign estimate: error: GGUF file")
    assert not (tmp_path / "cache").exists() and not out.exists()
    code, _, err = run_cli(
        ["--dataset", "politics", "--gguf-file", "x.gguf", "--out", str(tmp_path / "i.json")],
        capfd,
    )
    assert code == 2 and "goes with the causal-lm backend" in err


def test_cli_estimate_with_a_gguf_file(tmp_path: Path, gguf_dir: Path, capfd, monkeypatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    out = tmp_path / "inst.json"
    code, stdout, err = run_cli(
        [
            "--dataset",
            "politics",
            "--backend",
            "causal-lm",
            "--model",
            str(gguf_dir),
            "--gguf-file",
            "tiny.gguf",
            "--contexts-per-topic",
            "1",
            "--device",
            "cpu",
            "--quiet",
            "--out",
            str(out),
        ],
        capfd,
    )
    assert code == 0, err
    assert "Converting" not in err  # --quiet hides transformers' GGUF conversion bar too
    inst = json.loads(out.read_text())
    assert inst["n"] == 12 and inst["provenance"]["context_subsample"]["contexts_per_topic"] == 1


# --- named models ---------------------------------------------------------------------


def _fake_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, payload: bytes, sha: str):
    chunks = []
    for i in range(3):
        c = tmp_path / f"chunk{i}"
        c.write_bytes(payload[i * len(payload) // 3 : (i + 1) * len(payload) // 3])
        chunks.append(c)
    mod = types.ModuleType("fake_gguf_pkg")
    mod.chunk_paths = lambda: list(chunks)  # type: ignore[attr-defined]
    mod.verify_chunks = lambda: None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_gguf_pkg", mod)
    monkeypatch.setattr(importlib.util, "find_spec", _find_spec_with("fake_gguf_pkg"))
    spec = gguf_models.NamedModel(
        "tiny-named", "fake-gguf-pkg", "fake_gguf_pkg", "tiny.gguf", sha, "a test model", "llama"
    )
    monkeypatch.setitem(gguf_models.NAMED_MODELS, "tiny-named", spec)
    return spec


_real_find_spec = importlib.util.find_spec


def _find_spec_with(name: str):
    def find_spec(module: str, *args):
        if module == name:
            return importlib.machinery.ModuleSpec(name, None)
        return _real_find_spec(module, *args)

    return find_spec


def test_named_model_is_assembled_once_and_scores(
    tmp_path: Path, gguf_dir: Path, monkeypatch: pytest.MonkeyPatch, scorer: CausalLMScorer
) -> None:
    import hashlib

    payload = (gguf_dir / "tiny.gguf").read_bytes()
    spec = _fake_package(tmp_path, monkeypatch, payload, hashlib.sha256(payload).hexdigest())
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    sc = CausalLMScorer("tiny-named", device="cpu", progress=False)
    assert not (tmp_path / "cache").exists()  # nothing before the first load
    assert sc.fingerprint == "sha256:" + spec.sha256
    np.testing.assert_allclose(sc.score(CONTEXTS, SUBS), scorer.score(CONTEXTS, SUBS), atol=1e-6)
    store = tmp_path / "cache" / "models"
    assert sorted(p.name for p in store.iterdir()) == ["tiny.gguf"]  # no temporary left
    p = sc.provenance()
    assert p["model"] == "tiny-named" and "fake-gguf-pkg" in p["model_source"]
    assert p["gguf_file"] == "tiny.gguf" and p["model_type"] == "llama"


def test_named_model_with_a_bad_checksum_leaves_nothing(
    tmp_path: Path, gguf_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _fake_package(tmp_path, monkeypatch, (gguf_dir / "tiny.gguf").read_bytes(), "0" * 64)
    with pytest.raises(InputError, match="wrong SHA-256") as info:
        gguf_models.materialize(spec, tmp_path / "store")
    _one_line(info)
    assert list((tmp_path / "store").iterdir()) == []


def test_named_model_without_its_package(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = gguf_models.NamedModel(
        "ghost", "ghost-gguf", "no_such_module_xyz", "g.gguf", "0", "", "x"
    )
    monkeypatch.setitem(gguf_models.NAMED_MODELS, "ghost", spec)
    with pytest.raises(InputError, match="needs the PyPI package ghost-gguf: pip install") as info:
        CausalLMScorer("ghost", device="cpu")
    _one_line(info)
    with pytest.raises(InputError, match="neither a local path nor a named model"):
        CausalLMScorer("gemma9-1t", device="cpu")
    with pytest.raises(InputError, match="goes with a model directory"):
        CausalLMScorer("ghost", gguf_file="x.gguf")
