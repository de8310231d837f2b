"""Look at the built book in a real headless browser (a manual check, not run in CI).

Serves a built site on localhost, opens a few pages in headless Chromium and
saves a screenshot of each, plus what the rendered DOM says: how many formulas
MathJax typeset (``mjx-container`` elements), the figure numbers on the page,
and whether the page shows raw TeX that MathJax left alone. One page is also
shot with its exercise solutions opened (the dropdowns are clicked by a script
injected into a temporary copy of the page).

Usage::

    HF_HUB_OFFLINE=1 .venv/bin/nashalign book --strict --out /tmp/book_teach
    .venv/bin/python book/screenshot_check.py /tmp/book_teach/html /tmp/book_shots

Needs a Chromium (Debian: ``apt-get install chromium``); nothing is fetched from
the network, and the pages load only what the site serves.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

#: (page, name of the shot, open the exercise solutions?, window height)
SHOTS = [
    ("intro.html", "intro", False, 1400),
    ("theorem1.html", "theorem1", False, 1800),
    ("theorem1.html", "theorem1-exercise-open", True, 1800),
    ("lemma2_theorems23.html", "lemma2_theorems23", False, 1800),
    ("experiments.html", "experiments", False, 2200),
    ("equilibria.html", "equilibria", False, 2200),
    ("scoring.html", "scoring", False, 2600),
    ("lemma0.html", "lemma0", False, 1800),
    ("glossary.html", "glossary", False, 1600),
    ("api.html", "api", False, 1600),
]

#: Every path the browser asked the local server for (all of a page's assets come from it).
requested: list[str] = []

_OPEN_SOLUTIONS = """
<script>
window.addEventListener("load", function () {
  setTimeout(function () {
    document.querySelectorAll("button.toggle-button").forEach(function (b) { b.click(); });
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
    // show the page's title and its exercises only (headless shots do not scroll)
    var ex = document.getElementById("exercises");
    if (ex) {
      Array.from(ex.parentElement.children).forEach(function (c) {
        if (c !== ex && c.tagName !== "H1") { c.style.display = "none"; }
      });
    }
  }, 1500);
});
</script>
"""


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("no Chromium found (apt-get install chromium)")


def _serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            requested.append(self.path)

    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def _run(browser: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    base = [
        browser,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-extensions",
        "--virtual-time-budget=12000",
    ]
    return subprocess.run(base + args, capture_output=True, text=True, timeout=180, check=False)


def check(html_dir: Path, out_dir: Path) -> list[dict]:
    """Shoot every page of :data:`SHOTS`; return one summary per shot."""
    browser = _chromium()
    out_dir.mkdir(parents=True, exist_ok=True)
    server, port = _serve(html_dir)
    results = []
    try:
        for page, name, open_solutions, height in SHOTS:
            target = page
            if open_solutions:
                text = (html_dir / page).read_text(encoding="utf-8")
                target = f"_shot_{page}"
                (html_dir / target).write_text(
                    text.replace("</body>", _OPEN_SOLUTIONS + "</body>"), encoding="utf-8"
                )
            url = f"http://127.0.0.1:{port}/{target}"
            requested.clear()
            png = out_dir / f"{name}.png"
            _run(browser, [f"--window-size=1400,{height}", f"--screenshot={png}", url])
            dom = _run(browser, ["--dump-dom", url]).stdout
            if open_solutions:
                (html_dir / target).unlink()
            body = re.sub(r"<script.*?</script>", "", dom, flags=re.S)
            results.append(
                {
                    "shot": name,
                    "local_requests": len(requested),
                    "png": str(png),
                    "png_written": png.is_file(),
                    "mathjax_formulas": dom.count("<mjx-container"),
                    # MathJax replaces the TeX it typesets: what is left was not typeset
                    "raw_tex_left": len(re.findall(r"\\(?:frac|begin|alpha|beta)\b", body)),
                    "figure_numbers": re.findall(r"Fig\. (\d+)", body),
                }
            )
    finally:
        server.shutdown()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    results = check(args.html_dir, args.out_dir)
    print(json.dumps(results, indent=2))
    (args.out_dir / "summary.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0 if all(r["png_written"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
