r"""Causal-LM backend: mean token log-probability of a subpopulation's statements.

For a local Hugging Face causal language model :math:`p_\theta`, context
:math:`x_i` and a statement :math:`t = (t_1, \dots, t_L)` of subpopulation k,

.. math::

    \ell(t \mid x_i) = \frac{1}{L}\sum_{l=1}^{L}
        \log p_\theta\bigl(t_l \mid \text{prompt}(x_i), t_{<l}\bigr), \qquad
    s_{ik} = \frac{1}{|T_k|}\sum_{t \in T_k} \ell(t \mid x_i),

the mean token log-probability of the statement as a reply to the context,
averaged over the subpopulation's statements :math:`T_k`.

The prompt is ``BOS`` (when the tokenizer defines one) followed by the tokens
of ``context + separator`` (default separator ``"\n"``); the statement is
tokenized on its own and appended, so the boundary between prompt and reply
is exact. Only the statement tokens are scored: in a padded batch the
attention mask hides the (right-)padding, and the label mask selects exactly
the statement positions, so neither pads nor context tokens count. Sequences
longer than the model's context window are cut from the left of the context
(the statement is kept whole when it fits on its own).

(context, statement) pairs are sorted by length before batching, which keeps
padding small; logits are turned into log-probabilities in float32 even when
the model runs in half precision on a GPU.

Examples
--------
>>> CausalLMScorer("/no/such/dir")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
nashalign.errors.InputError: model path /no/such/dir does not exist ...
"""

from __future__ import annotations

import functools
import json
import os
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.errors import InputError
from nashalign.scoring.base import (
    check_batch_size,
    check_model_dir,
    device_description,
    library_versions,
    model_fingerprint,
    offline_hub,
    progress_bar,
    quiet_hf_loading,
    resolve_device,
    resolve_dtype,
    torch_dtype,
    validate_score_inputs,
)

#: Default text put between a context and the reply.
DEFAULT_SEPARATOR = "\n"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _check_causal(path: str, config: Any) -> None:
    """Refuse encoder-only, encoder-decoder and masked-LM checkpoints (one clear line).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> _check_causal("m", SimpleNamespace(architectures=["GPT2LMHeadModel"], is_encoder_decoder=False))
    >>> _check_causal("m", SimpleNamespace(architectures=["BertForMaskedLM"], is_encoder_decoder=False))
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: m is not a causal language model (architecture BertForMaskedLM); the causal-lm backend scores replies by next-token log-probabilities
    """
    archs = list(getattr(config, "architectures", None) or [])
    causal = [a for a in archs if a.endswith(("ForCausalLM", "LMHeadModel"))]
    if getattr(config, "is_encoder_decoder", False) or (archs and not causal):
        name = ", ".join(archs) or type(config).__name__
        raise InputError(
            f"{path} is not a causal language model (architecture {name}); the causal-lm "
            "backend scores replies by next-token log-probabilities"
        )


@functools.lru_cache(maxsize=2)
def _load(path: str, device: str, dtype: str) -> tuple[Any, Any]:
    """Load (once per process) tokenizer and model, on ``device`` in ``dtype``."""
    offline_hub()
    try:
        import transformers
        from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
    except ImportError:
        raise InputError(
            "the causal-lm backend needs transformers (install nashalign[scoring])"
        ) from None
    major_minor = tuple(int(x) for x in transformers.__version__.split(".")[:2])
    dtype_kw = "dtype" if major_minor >= (4, 56) else "torch_dtype"
    try:
        with quiet_hf_loading(progress=False):
            config = AutoConfig.from_pretrained(path, local_files_only=True)
            _check_causal(path, config)
            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            model, info = AutoModelForCausalLM.from_pretrained(
                path,
                local_files_only=True,
                output_loading_info=True,
                **{dtype_kw: torch_dtype(dtype)},
            )
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any loader failure is a bad model path
        raise InputError(
            f"cannot load a causal language model from {path}: {_first_line(exc)}"
        ) from None
    missing = list(info.get("missing_keys") or [])
    if missing:
        raise InputError(
            f"{path} is not a trained causal language model: {len(missing)} weight(s) "
            f"would be randomly initialised (e.g. {missing[0]}); scores from a random head "
            "are meaningless"
        )
    model.to(device=device, dtype=torch_dtype(dtype))
    model.eval()
    return model, tokenizer


def _context_window(model: Any, tokenizer: Any) -> int | None:
    cfg = model.config
    for attr in ("max_position_embeddings", "n_positions", "n_ctx", "seq_length"):
        value = getattr(cfg, attr, None)
        if isinstance(value, int) and value > 0:
            return value
    value = getattr(tokenizer, "model_max_length", None)
    if isinstance(value, int) and 0 < value < 1_000_000:
        return value
    return None


class CausalLMScorer:
    """Score contexts by the mean token log-probability of each subpopulation's statements.

    Parameters
    ----------
    model : path-like
        Local Hugging Face causal-LM directory (``config.json``, weights, tokenizer).
    device : str
        ``"auto"`` (cuda, then mps, then cpu), ``"cpu"``, ``"cuda"``, ``"cuda:N"``
        or ``"mps"``.
    batch_size : int
        (context, statement) pairs per forward pass.
    dtype : str
        ``"auto"`` (float16 on a GPU, float32 on cpu), ``"float32"``,
        ``"float16"`` or ``"bfloat16"``.
    progress : bool or None
        tqdm bar over batches; ``None`` shows it only when stderr is a terminal.
    separator : str
        Text appended to each context before the reply.

    Examples
    --------
    >>> import tempfile
    >>> CausalLMScorer(tempfile.mkdtemp())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nashalign.errors.InputError: model directory ... has no config.json; not a Hugging Face model
    """

    backend = "causal-lm"

    def __init__(
        self,
        model: str | os.PathLike[str] | None,
        device: str = "auto",
        batch_size: int = 16,
        dtype: str = "auto",
        progress: bool | None = None,
        separator: str = DEFAULT_SEPARATOR,
    ) -> None:
        if model is None:
            raise InputError("the causal-lm backend needs a local model directory (--model PATH)")
        self.model_path = check_model_dir(model, "causal-lm")
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        self.batch_size = check_batch_size(batch_size)
        self.progress = progress
        if not isinstance(separator, str):
            raise InputError("separator must be a string")
        self.separator = separator
        self._fingerprint: str | None = None
        self.truncated_pairs = 0

    @property
    def fingerprint(self) -> str:
        """Content fingerprint of the model directory (see ``base.model_fingerprint``)."""
        if self._fingerprint is None:
            self._fingerprint = model_fingerprint(self.model_path)
        return self._fingerprint

    def load(self) -> tuple[Any, Any]:
        """The ``(model, tokenizer)`` pair, loaded on first use and then reused."""
        return _load(str(self.model_path), self.device, self.dtype)

    def _token_ids(self, tokenizer: Any, texts: Sequence[str]) -> list[list[int]]:
        if not texts:
            return []
        ids = tokenizer(list(texts), add_special_tokens=False)["input_ids"]
        return [list(map(int, x)) for x in ids]

    def statement_logprobs(
        self, contexts: Sequence[str], statements: Sequence[str]
    ) -> NDArray[np.float64]:
        """Mean token log-probability of every statement as a reply to every context.

        Returns
        -------
        ndarray, shape (len(contexts), len(statements)), float64
            Entry (i, j) is :math:`\\ell(t_j \\mid x_i)` (<= 0).
        """
        validate_score_inputs(contexts, {"statements": statements})
        import torch

        model, tokenizer = self.load()
        u_ctx = list(dict.fromkeys(contexts))
        u_st = list(dict.fromkeys(statements))
        bos = tokenizer.bos_token_id
        prefix = [int(bos)] if bos is not None else []
        ctx_ids = [
            prefix + ids for ids in self._token_ids(tokenizer, [c + self.separator for c in u_ctx])
        ]
        st_ids = self._token_ids(tokenizer, u_st)
        for c, ids in zip(u_ctx, ctx_ids, strict=True):
            if not ids:
                raise InputError(
                    f"context {c[:40]!r} tokenizes to no tokens and the tokenizer has no BOS"
                )
        for s, ids in zip(u_st, st_ids, strict=True):
            if not ids:
                raise InputError(f"statement {s[:40]!r} tokenizes to no tokens")
        window = _context_window(model, tokenizer)
        pad = tokenizer.pad_token_id
        if pad is None:
            pad = tokenizer.eos_token_id if tokenizer.eos_token_id is not None else 0

        pairs = [(i, j) for i in range(len(u_ctx)) for j in range(len(u_st))]
        seqs: list[tuple[list[int], list[int]]] = []
        truncated = 0
        for i, j in pairs:
            c, s = ctx_ids[i], st_ids[j]
            if window is not None and len(c) + len(s) > window:
                truncated += 1
                s = s[: window - 1]
                room = window - len(s)
                body = c[len(prefix) :]
                keep = room - len(prefix)
                c = prefix + body[len(body) - keep :] if keep >= 1 else c[len(c) - room :]
            seqs.append((c, s))
        self.truncated_pairs = truncated
        if truncated:
            warnings.warn(
                f"{truncated} (context, statement) pairs exceed the model's context window "
                f"of {window} tokens; their contexts were cut from the left",
                stacklevel=2,
            )

        lengths = [len(c) + len(s) for c, s in seqs]
        order = sorted(range(len(seqs)), key=lambda p: -lengths[p])
        batches = [order[k : k + self.batch_size] for k in range(0, len(order), self.batch_size)]
        flat = np.empty(len(seqs), dtype=np.float64)
        device = torch.device(self.device)
        with torch.inference_mode():
            for batch in progress_bar(batches, len(batches), "scoring", self.progress):
                flat[batch] = self._batch_logprobs(model, [seqs[p] for p in batch], pad, device)
        per_pair = flat.reshape(len(u_ctx), len(u_st))
        ci = {c: i for i, c in enumerate(u_ctx)}
        sj = {s: j for j, s in enumerate(u_st)}
        return per_pair[np.ix_([ci[c] for c in contexts], [sj[s] for s in statements])]

    @staticmethod
    def _batch_logprobs(
        model: Any, batch: list[tuple[list[int], list[int]]], pad: int, device: Any
    ) -> NDArray[np.float64]:
        """Mean log-prob of the reply tokens of each (prompt, reply) pair in one padded batch."""
        import torch

        B = len(batch)
        L = max(len(c) + len(s) for c, s in batch)
        ids = torch.full((B, L), int(pad), dtype=torch.long)
        attention = torch.zeros((B, L), dtype=torch.long)
        # target[b, p] is True when the token at position p + 1 is a reply token;
        # the logits at position p predict it.
        target = torch.zeros((B, L - 1), dtype=torch.bool)
        for b, (c, s) in enumerate(batch):
            n = len(c) + len(s)
            ids[b, :n] = torch.tensor(c + s, dtype=torch.long)
            attention[b, :n] = 1
            target[b, len(c) - 1 : n - 1] = True
        logits = model(
            input_ids=ids.to(device), attention_mask=attention.to(device), use_cache=False
        ).logits
        target_dev = target.to(device)
        chosen = logits[:, :-1][target_dev].float()  # (T, V): only reply positions
        labels = ids[:, 1:][target].to(device)  # (T,)
        token_lp = torch.log_softmax(chosen, dim=-1).gather(1, labels[:, None]).squeeze(1)
        # Per-sequence means in float64 on the CPU (MPS has no float64).
        token_lp = token_lp.cpu().double()
        rows = torch.arange(B).unsqueeze(1).expand(B, L - 1)[target]
        sums = torch.zeros(B, dtype=torch.float64).index_add_(0, rows, token_lp)
        counts = target.sum(dim=1).to(torch.float64)
        return (sums / counts).numpy()

    def score(
        self, contexts: Sequence[str], subpopulations: Mapping[str, Sequence[str]]
    ) -> NDArray[np.float64]:
        """Return S (n x K): per context, the mean over statements of their mean token log-prob.

        Parameters
        ----------
        contexts : sequence of str
            The n contexts.
        subpopulations : mapping of str to sequence of str
            ``{name: statements}``, in column order.

        Returns
        -------
        ndarray, shape (n, K), float64
            Entries <= 0 (log-probabilities).
        """
        _, groups = validate_score_inputs(contexts, subpopulations)
        statements = list(dict.fromkeys(s for g in groups for s in g))
        col = {s: j for j, s in enumerate(statements)}
        LP = self.statement_logprobs(list(contexts), statements)
        S = np.stack([LP[:, [col[s] for s in g]].mean(axis=1) for g in groups], axis=1)
        if not np.all(np.isfinite(S)):
            raise InputError(
                "the model produced non-finite log-probabilities (try dtype='float32')"
            )
        return S

    def _model_type(self) -> str:
        try:
            cfg = json.loads((self.model_path / "config.json").read_text(encoding="utf-8"))
            return str(cfg.get("model_type", "unknown"))
        except (OSError, ValueError):
            return "unknown"

    def cache_identity(self) -> dict[str, Any]:
        """Model path, content fingerprint, precision and separator: the cache key's model part."""
        return {
            "model": str(self.model_path),
            "fingerprint": self.fingerprint,
            "dtype": self.dtype,
            "separator": self.separator,
        }

    def provenance(self) -> dict[str, Any]:
        """Backend, model, device, dtype, batch size, prompt template and library versions."""
        return {
            "backend": self.backend,
            "model": str(self.model_path),
            "model_type": self._model_type(),
            "model_fingerprint": self.fingerprint,
            "device": device_description(self.device),
            "dtype": self.dtype,
            "batch_size": self.batch_size,
            "prompt": "[BOS] + tokens(context + separator), then tokens(statement)",
            "separator": self.separator,
            "score": "s_ik = mean over statements of subpopulation k of the mean token "
            "log-probability of the statement as a reply to context i",
            "libraries": library_versions("torch", "transformers", "tokenizers"),
        }
