"""Run Jupyter Book's command line (``jupyter-book build ...``) without one slow import.

jsonschema, which Jupyter Book and nbformat import, loads the optional ``rfc3987_syntax``
package when it is installed (JupyterLab's jupyter-events brings it in). That package compiles
about forty grammars on import, about 2 s per process, only to check IRI strings, which
none of the book's schemas use. Marking it absent makes jsonschema skip it, as on an
install without it. The mark is set at import, so the processes that run notebooks side by
side (which import this module again) skip it too.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

if __name__ == "__main__":
    from jupyter_book.cli.main import main

    sys.exit(main())
