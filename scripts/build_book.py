"""Run Jupyter Book's command line (``jupyter-book build ...``), minus two costs of no use here.

- jsonschema, which Jupyter Book and nbformat import, loads the optional ``rfc3987_syntax``
  package when it is installed (JupyterLab's jupyter-events brings it in). That package
  compiles about forty grammars on import, about 2 s per process, only to check IRI strings,
  which none of the book's schemas use. Marking it absent makes jsonschema skip it, as on an
  install without it. The mark is set at import, before anything imports jsonschema.
- Once the build has written and closed every file, the interpreter would still free the
  whole Sphinx environment object by object before exiting (about 1 s after a clean build), so
  the process ends at once instead, with the build's exit status. So does an interrupted build
  (Ctrl-C), whose notebooks still queued would otherwise run first.
"""

import os
import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

if __name__ == "__main__":
    from jupyter_book.cli.main import main

    try:
        main()
        status = 0
    except SystemExit as exit_request:
        status = exit_request.code
    except KeyboardInterrupt:
        # At once: the interpreter's exit would first run every notebook still queued to run.
        os._exit(130)
    if not isinstance(status, int):  # None means success; a message means failure
        if status is not None:
            print(status, file=sys.stderr)
        status = 0 if status is None else 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
