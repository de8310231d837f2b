"""``nashalign estimate``: score a dataset and write the instance file (a, C, provenance).

Usage::

    nashalign estimate --dataset NAME|PATH [--backend embedding|causal-lm]
                       [--model PATH|NAME] [--gguf-file F] [--contexts-per-topic N]
                       [--device auto|cpu|cuda|mps]
                       [--dtype auto|float32|float16|bfloat16] [--batch-size B]
                       [--cache-dir DIR] [--no-cache] [--progress|--no-progress|--quiet]
                       [--executor auto|serial|process|ray] [--workers N]
                       [--shard-size N] [--ray-address HOST:PORT]
                       --out PATH

With ``--executor`` (or ``--shard-size``) the contexts are scored in shards: in this
process, a local process pool, or Ray actors that keep the model loaded
(``RAY_ADDRESS`` or ``--ray-address`` joins an existing cluster). Each finished
shard is cached, so a killed run resumes; the instance equals an unsharded one.

The output path is checked before any scoring; the instance JSON is written
atomically. Bad input (unknown dataset, malformed dataset file, unreadable
model path, unwritable output) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys

from nashalign.cli.progress_flags import add_progress_flags, wants_progress

#: One-line help of ``nashalign estimate`` in the command list.
HELP = "score a dataset with a transformer and write the instance (a, C) as JSON"

#: What ``nashalign estimate --help`` says first.
DESCRIPTION = (
    "Score a dataset (shipped name or a .jsonl/.csv/.json file) and write "
    "the instance file: names, a, C, n and provenance."
)


def _add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``nashalign estimate``."""
    p.add_argument(
        "--dataset",
        required=True,
        metavar="NAME|PATH",
        help="shipped dataset (bigfive, politics, culture) or a dataset file",
    )
    p.add_argument(
        "--backend",
        choices=("embedding", "causal-lm"),
        default="embedding",
        help="scoring backend (default: embedding)",
    )
    p.add_argument(
        "--model",
        metavar="PATH|NAME",
        default=None,
        help="local model directory (default for embedding: the bundled all-MiniLM-L6-v2; "
        "required for causal-lm: a directory, a .gguf file, or a named model such as "
        "gemma3-270m from the nashalign[gguf] extra)",
    )
    p.add_argument(
        "--gguf-file",
        metavar="F",
        default=None,
        help="causal-lm: a GGUF checkpoint in the --model directory (or a path)",
    )
    p.add_argument(
        "--contexts-per-topic",
        type=_positive_int,
        default=None,
        metavar="N",
        help="score only the first N contexts of each topic (recorded in the provenance)",
    )
    p.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda", "mps"),
        default="auto",
        help="auto picks cuda, then mps, then cpu (default: auto)",
    )
    p.add_argument(
        "--dtype",
        choices=("auto", "float32", "float16", "bfloat16"),
        default="auto",
        help="model precision; auto = float16 on a GPU, float32 on cpu (default: auto)",
    )
    p.add_argument(
        "--batch-size",
        type=_positive_int,
        default=None,
        metavar="B",
        help="batch size (default: 32 texts for embedding, 16 pairs for causal-lm)",
    )
    p.add_argument(
        "--cache-dir",
        metavar="DIR",
        default=None,
        help="score cache directory (default: $NASHALIGN_CACHE or ~/.cache/nashalign)",
    )
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    p.add_argument(
        "--executor",
        choices=("auto", "serial", "process", "ray"),
        default=None,
        help="score in shards: serial, a local process pool, or ray (the nashalign[ray] "
        "extra; RAY_ADDRESS joins a cluster); default: one unsharded run",
    )
    p.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        metavar="N",
        help="processes or Ray actors (default: one per GPU, else one per CPU)",
    )
    p.add_argument(
        "--shard-size",
        type=_positive_int,
        default=None,
        metavar="N",
        help="contexts per shard, a multiple of the scorer's context block "
        "(64 embedding, 8 causal-lm; default: one block)",
    )
    p.add_argument(
        "--ray-address",
        default=None,
        metavar="HOST:PORT",
        help="Ray cluster to join (default: $RAY_ADDRESS, else a local Ray)",
    )
    add_progress_flags(p)
    p.add_argument("--out", required=True, metavar="PATH", help="instance JSON file to write")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


#: The dataset file formats, as shown by ``nashalign estimate --help`` (README: "Dataset format").
DATASET_FORMAT = """\
dataset file formats:
  .jsonl / .csv (UTF-8, CSV with a header row): one record per row with the
  fields kind, group, text; kind = statement (group = subpopulation name) or
  context (group = topic, may be empty). Other fields are ignored.
      kind,group,text
      statement,left,Healthcare is a human right.
      context,health,Waited five hours in the ER.
  .json: {"name": ..., "subpopulations": {"left": ["...", ...], ...},
          "contexts": [{"topic": "health", "text": "..."}, ...]}
  Needs >= 2 non-empty subpopulations with distinct names and at least
  max(3, K + 1) contexts; each violation is one line and exit 2.
"""

#: The help's closing text.
EPILOG = DATASET_FORMAT


def _run(args: argparse.Namespace) -> int:
    from nashalign.scoring.estimate import estimate_instance

    inst = estimate_instance(
        args.dataset,
        args.backend,
        args.model,
        args.device,
        args.batch_size,
        args.cache_dir,
        use_cache=not args.no_cache,
        dtype=args.dtype,
        progress=wants_progress(args),
        out=args.out,
        gguf_file=args.gguf_file,
        contexts_per_topic=args.contexts_per_topic,
        executor=args.executor,
        workers=args.workers,
        shard_size=args.shard_size,
        ray_address=args.ray_address,
    )
    prov = inst.provenance
    print(
        f"wrote {args.out}: dataset {prov.get('dataset')} (K={inst.K}, n={inst.n}), "
        f"backend {prov.get('backend')}, model {prov.get('model')}, device {prov.get('device')}",
        file=sys.stdout,
    )
    return 0
