"""Reads of the papers area: the pathway page's section "Documenti del percorso"."""

from django.urls import reverse

from casework.cases.choices import PaperKind

from .context import applicable_kinds
from .models import PathwayDocument

DOWNLOAD_URL = "casework_papers_download"
GENERATE_URL = "casework_papers_generate"


def _full_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def pathway_papers(pathway, user):
    """For each paper the pathway has: its versions newest first, each with its PDF and DOCX
    links, and whether the user may (re)generate it. One query whatever the versions."""
    if not user.has_perm("casework.view_pathwaydocument"):
        return None
    may_generate = user.has_perm("casework.add_pathwaydocument")
    versions = {}
    for paper in (
        PathwayDocument.objects.filter(pathway=pathway)
        .select_related("generated_by")
        .order_by("kind", "-version", "format")
    ):
        row = versions.setdefault(
            (paper.kind, paper.version),
            {
                "version": paper.version,
                "generated_at": paper.generated_at,
                "generated_by": _full_name(paper.generated_by),
            },
        )
        row[f"{paper.format}_url"] = reverse(DOWNLOAD_URL, args=[paper.pk])
    kinds = []
    for kind in applicable_kinds(pathway):
        rows = sorted(
            (row for (k, _v), row in versions.items() if k == kind),
            key=lambda row: -row["version"],
        )
        kinds.append(
            {
                "kind": kind,
                "label": PaperKind(kind).label,
                "latest": rows[0] if rows else None,
                "older": rows[1:],
                "may_generate": may_generate,
            }
        )
    return {
        "kinds": kinds,
        "generate_url": reverse(GENERATE_URL, args=[pathway.pk]) if may_generate else "",
    }
