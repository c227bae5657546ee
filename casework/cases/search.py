"""Finding people in the case listings: surname and first name in any order, tax code, protocol."""

from django.db import connection
from django.db.models import (
    BooleanField,
    F,
    Func,
    Q,
)
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView

from .models import Beneficiary


class _EqualsAny(Func):
    """``column = ANY(ARRAY(subquery))``: PostgreSQL runs the subquery once and probes the
    column's index with its ids, a condition it can OR with the trigram index of another column
    (an ``IN (subquery)`` OR'ed with another condition makes it scan the whole table)."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


def people_matching(path, word):
    """Rows whose person (at ``path``) has ``word`` in their surname or tax code. The people are
    found through the trigram indexes of their own table, never by an OR across a join."""
    people = (
        Beneficiary.objects.filter(Q(last_name__icontains=word) | Q(tax_code__icontains=word))
        .order_by()
        .values("pk")
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        return Q(_EqualsAny(F(f"{path}_id"), ArraySubquery(people)))
    return Q(**{f"{path}__in": people})


class PersonSearchIndexView(SnippetIndexView):
    """Searches a person's surname or tax code (and the record's own fields) with conditions each
    served by an index, so a search does not scan the whole table on PostgreSQL."""

    person_path = "beneficiary"
    own_search_fields = ()

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        for word in self.search_query.split()[:5]:
            match = people_matching(self.person_path, word)
            for field in self.own_search_fields:
                match |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(match)
        if self.search_ordering and not self.is_explicitly_ordered:
            queryset = queryset.order_by(*self.search_ordering())
        return queryset

    search_ordering = None
