"""The machinery every topic shares: interactive figures and self-checks (``interactive``),
the feedback framework of the exercise checkers (``feedback``), the plotting style
(``style``), input checks (``checks``), data loading (``datasets``), bibliography labels
(``references``) and the topics' lazy exports (``exports``).

It imports no topic: topics import it.
"""
