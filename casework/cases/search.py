"""Finding people in the case listings and in the admin search: surname and first name in any
order, partial, accents ignored; tax code; protocol.

A person matches a query when every word of it is in their surname, first name or tax code.
Names are compared in a normalised form (upper case, accented letters as their plain letter), so
"nicolo" finds "Nicolò" and "RINAL" finds "Rinaldi". On PostgreSQL each condition is served by
a trigram index on the same normalised expression (migrations 0003, 0007 and 0012), never by a
scan of the table.
"""

import unicodedata

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    F,
    Func,
    Q,
)
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView

from .models import Beneficiary

# Accented letters of Italian and of the names most often met in the programme, and the plain
# letter each one is compared as (migration 0012's ``zo_normalise`` translates the same ones).
ACCENTED = "àáâãäåèéêëìíîïòóôõöùúûüýÿçñÀÁÂÃÄÅÈÉÊËÌÍÎÏÒÓÔÕÖÙÚÛÜÝÇÑ"
PLAIN = "aaaaaaeeeeiiiiooooouuuuyycnAAAAAAEEEEIIIIOOOOOUUUUYCN"
# The most words a query is split into: more would only slow the query down.
MAX_WORDS = 5


def normalise(text):
    """``text`` as the database compares it: accents removed, upper case."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).upper()


def query_words(query):
    """The words of a query, normalised, at most ``MAX_WORDS``."""
    return [normalise(word) for word in str(query or "").split()][:MAX_WORDS]


class Normalised(Func):
    """``zo_normalise(column)``: the column upper case, accented letters as plain letters. On
    PostgreSQL the function is created by migration 0012 (``UPPER(TRANSLATE(...))`` in PL/pgSQL,
    declared costly so that the planner reads the trigram indexes built on the same expression
    rather than computing it row by row); on SQLite it is ``normalise`` itself, registered on
    the connection as a deterministic SQL function."""

    output_field = CharField()
    function = "zo_normalise"

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_function(
            self.function, 1, _normalise_or_none, deterministic=True
        )
        return self.as_sql(compiler, connection, **extra_context)


def _normalise_or_none(text):
    return None if text is None else normalise(text)


def person_word_match(word, prefix=""):
    """A person (at ``prefix``) whose surname, first name or tax code contains ``word`` (already
    normalised): three conditions each served by its own trigram index."""
    return (
        Q(**{f"{prefix}_zo_last__contains": word})
        | Q(**{f"{prefix}_zo_first__contains": word})
        | Q(**{f"{prefix}tax_code__icontains": word})
    )


def people_matching_query(query, queryset=None):
    """People with every word of ``query`` in their surname, first name or tax code, in any
    order. ``queryset`` narrows the people (a Comune's scope); an empty query matches none."""
    words = query_words(query)
    people = Beneficiary.objects.all() if queryset is None else queryset
    if not words:
        return people.none()
    people = people.alias(
        _zo_last=Normalised(F("last_name")), _zo_first=Normalised(F("first_name"))
    )
    for word in words:
        people = people.filter(person_word_match(word))
    return people


class _EqualsAny(Func):
    """``column = ANY(ARRAY(subquery))``: PostgreSQL runs the subquery once and probes the
    column's index with its ids, a condition it can OR with the trigram index of another column
    (an ``IN (subquery)`` OR'ed with another condition makes it scan the whole table)."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


def _rows_of_people(path, people):
    """Rows whose person (at ``path``; ``"pk"`` for the people themselves) is among ``people``."""
    if path == "pk":
        return Q(pk__in=people)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        return Q(_EqualsAny(F(f"{path}_id"), ArraySubquery(people)))
    return Q(**{f"{path}__in": people})


def people_matching(path, word):
    """Rows whose person (at ``path``) has ``word`` in their surname, first name or tax code,
    accents ignored. The people are found through the trigram indexes of their own table, never
    by an OR across a join."""
    people = people_matching_query(word).order_by().values("pk")
    return _rows_of_people(path, people)


class PersonSearchIndexView(SnippetIndexView):
    """Searches a person's surname, first name or tax code (and the record's own fields) with
    conditions each served by an index, so a search does not scan the whole table on PostgreSQL.
    Every word must match: "Rinaldi Chiara" and "chiara rinaldi" find the same person."""

    person_path = "beneficiary"
    own_search_fields = ()

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        for word in self.search_query.split()[:MAX_WORDS]:
            match = people_matching(self.person_path, word)
            for field in self.own_search_fields:
                match |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(match)
        if self.search_ordering and not self.is_explicitly_ordered:
            queryset = queryset.order_by(*self.search_ordering())
        return queryset

    search_ordering = None


class PeopleIndexView(PersonSearchIndexView):
    """The people list: the same search, on the people themselves."""

    person_path = "pk"
