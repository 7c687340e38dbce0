"""Reads on decisions."""


def dossier_decisions(*, dossier, user) -> list:
    """The dossier's decisions as its page lists them (one query; whoever sees the page)."""
    return list(dossier.decisions.select_related("corrects", "suspension"))
