"""The public page tree: home page and the programme's pages, written for citizens."""

from .content import build_page_tree


def load_pages(context):
    created = build_page_tree()
    context["stdout"].write(f"  pagine pubbliche: {created} create")


STEPS = [(10, "Pagine pubbliche", load_pages)]
