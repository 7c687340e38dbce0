"""Finding a dossier by its reference, its service's name or its organisation's name: the one
search of every staff list (the home sections, the instructors' queue, the experts' queue).

- A query of one word with a digit in it is a reference, whole or in part, whatever the case
  ("D-2026-K7M3QZ", "2026-k7m", "K7M3"; references carry their year): the dossiers whose
  reference contains it (at least `MIN_REFERENCE_FRAGMENT` characters).
- Any other query is names: every word of it starts a word of the service's or of the
  organisation's name, accents and case aside, as typed or French-stemmed ("diab" finds
  "DiabèteFacile", "sante numerique" finds "Santé Numérique", "réparateurs" and "reparat" find
  "Réparateur"); articles and prepositions (`STOP_WORDS`) are left out.

One branch per query, so that each reads its own index. PostgreSQL: the names are
`Dossier.search_vector` (kept by triggers, under the `french_unaccent` and `simple_unaccent`
configurations, GIN index: migration applications 0008) matched with a prefix `tsquery` per
word; the reference through a trigram GIN index (`dossier_reference_trgm_idx`). The cost follows
the number of matches, not the table.

SQLite (`bin/run`): `LIKE` on the names folded by `portal_fold`, a function this module registers
on every SQLite connection (Python's `fold`: lower case, no accents), and on the reference. No
stemming: every word must appear in the names.

`dossier_match(text, prefix=…)` gives the condition as a `Q`, for a queryset of dossiers or, with
`prefix="dossier__"`, of rows pointing to one: each list adds it to its own filters.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Concat
from django.db.models.lookups import Contains

SEARCH_CONFIG = "french_unaccent"
#: The same without stemming: a word typed in part finds the whole word.
PLAIN_CONFIG = "simple_unaccent"
#: Longer queries are cut (a search box, not a document).
MAX_QUERY_LENGTH = 100
#: A shorter part of a reference would match nearly every dossier, and no index serves it.
MIN_REFERENCE_FRAGMENT = 3
#: The SQLite function that folds text in SQL.
FOLD_FUNCTION = "portal_fold"

_WORD = re.compile(r"[^\W_]+")
#: Words a name search leaves out (folded): they would match nearly everything, or nothing.
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "ou",
        "par",
        "pour",
        "sur",
        "un",
        "une",
    ]
)


def search_text(raw) -> str:
    """The query as typed, spaces squeezed and cut to `MAX_QUERY_LENGTH` ("" for none)."""
    return " ".join(str(raw or "").split())[:MAX_QUERY_LENGTH]


def fold(text) -> str:
    """Lower case without accents: "Santé Île" -> "sante ile"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The words of a query (letters and digits; punctuation separates), articles and
    prepositions left out."""
    return [word for word in _WORD.findall(text) if fold(word) not in STOP_WORDS]


def prefix_tsquery(text: str) -> str:
    """A `to_tsquery` text where each word of `text` is a prefix: "santé conn" ->
    "santé:* & conn:*" (only letters and digits reach it: nothing to escape)."""
    return " & ".join(f"{word}:*" for word in words(text))


def is_reference_query(text: str) -> bool:
    """One word (no space) with a digit: how a reference, or a piece of one, is typed."""
    return len(text.split()) == 1 and any(c.isdigit() for c in text)


def reference_fragment(text: str) -> str:
    """The query as a piece of reference (spaces removed), or "" when too short to be one."""
    fragment = "".join(text.split())
    return fragment if len(fragment) >= MIN_REFERENCE_FRAGMENT else ""


class Fold(Func):
    """SQLite: `fold` in SQL (see `register_fold`)."""

    function = FOLD_FUNCTION.upper()
    output_field = TextField()


def register_fold(sqlite_connection) -> None:
    """Give a SQLite connection the `portal_fold` function (idempotent)."""
    sqlite_connection.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)


def _on_connection_created(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        register_fold(connection.connection)


connection_created.connect(_on_connection_created, dispatch_uid="applications.dossier_search")


def _names_match_postgresql(text: str, prefix: str) -> Q:
    """Every word a prefix of a word of the names, stemmed (French) or as typed: one `tsquery`,
    a constant for the planner, read from the GIN index."""
    query = None
    for word in words(text):
        either = SearchQuery(f"{word}:*", search_type="raw", config=SEARCH_CONFIG) | SearchQuery(
            f"{word}:*", search_type="raw", config=PLAIN_CONFIG
        )
        query = either if query is None else query & either
    if query is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}search_vector": query})


def names_match_fallback(text: str, prefix: str = "") -> Q:
    """SQLite: every folded word of `text` in the folded names of the service and of its
    organisation."""
    if connection.vendor == "sqlite":
        # A connection opened before this module was imported has not been given the function.
        connection.ensure_connection()
        register_fold(connection.connection)
    folded = [fold(word) for word in words(text)]
    if not folded:
        return Q(pk__in=[])
    names = Fold(
        Concat(
            F(f"{prefix}service__name"),
            Value(" "),
            F(f"{prefix}service__organisation__name"),
            output_field=TextField(),
        )
    )
    condition = Q()
    for word in folded:
        condition &= Q(Contains(names, Value(word)))
    return condition


def dossier_match(text: str, *, prefix: str = "", reference_if: Q | None = None) -> Q:
    """The dossiers (or, with `prefix`, the rows whose `prefix` leads to a dossier) that match
    `text` (cleaned by `search_text`); `Q()` for an empty query. `reference_if` limits a search
    by reference to the rows that meet it (an expert sees no reference before declaring their
    interests)."""
    text = search_text(text)
    if not text:
        return Q()
    if is_reference_query(text):
        fragment = reference_fragment(text)
        if not fragment:
            return Q(pk__in=[])
        reference = Q(**{f"{prefix}reference__icontains": fragment})
        return reference & reference_if if reference_if is not None else reference
    if connection.vendor == "postgresql":
        return _names_match_postgresql(text, prefix)
    return names_match_fallback(text, prefix)
