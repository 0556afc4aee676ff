"""The course measured against its budgets: ``run.py`` (``make bench``) runs the measurements
of ``build``, ``frames``, ``browser`` and ``suite`` and reports them; ``audit.py`` scores the
pages with Lighthouse."""
