"""Copy the JavaScript the book serves itself from node_modules into .vendor/.

Sphinx copies .vendor/ into the book's _static/ folder (see html_static_path in
_config.yml), so pages load require.js, the Jupyter widgets HTML manager and
MathJax from the book itself. The folder is deliberately not named _static:
Jupyter Book would add every .js file in such a folder to every page.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
TARGET = ROOT / ".vendor" / "vendor"

# (source under node_modules, destination under .vendor/vendor)
ASSETS = [
    ("requirejs/require.js", "require.js"),
    ("@jupyter-widgets/html-manager/dist", "html-manager"),
    ("mathjax/es5/tex-mml-chtml.js", "mathjax/tex-mml-chtml.js"),
    ("mathjax/es5/output/chtml/fonts/woff-v2", "mathjax/output/chtml/fonts/woff-v2"),
    ("mathjax/es5/input/tex/extensions", "mathjax/input/tex/extensions"),
    ("mathjax/es5/ui", "mathjax/ui"),
    ("mathjax/es5/a11y", "mathjax/a11y"),
]
# Source maps and the non-AMD bundle are never requested by the pages.
SKIP = shutil.ignore_patterns("*.map", "embed.js", "embed.js.LICENSE.txt", "libembed-amd.js")


def main() -> int:
    missing = [src for src, _ in ASSETS if not (MODULES / src).exists()]
    if missing:
        print(f"error: run 'npm ci' first; missing in node_modules: {', '.join(missing)}")
        return 1
    if TARGET.exists():
        shutil.rmtree(TARGET)
    for src, dest in ASSETS:
        source, destination = MODULES / src, TARGET / dest
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, destination, ignore=SKIP)
        else:
            shutil.copy2(source, destination)
    return 0


if __name__ == "__main__":
    sys.exit(main())
