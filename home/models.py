from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index


class ContentBlocks(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Titolo di sezione"), form_classname="title", template="home/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(
        label=_("Testo"), features=["bold", "italic", "link", "ol", "ul", "h3"]
    )
    callout = blocks.StructBlock(
        [
            ("title", blocks.CharBlock(label=_("Titolo"))),
            ("text", blocks.RichTextBlock(label=_("Testo"), features=["bold", "italic", "link"])),
        ],
        label=_("Riquadro in evidenza"),
        template="home/blocks/callout.html",
    )
    cards = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("title", blocks.CharBlock(label=_("Titolo"))),
                ("text", blocks.TextBlock(label=_("Testo"))),
            ]
        ),
        label=_("Schede"),
        template="home/blocks/cards.html",
    )
    steps = blocks.ListBlock(
        blocks.CharBlock(label=_("Passo")),
        label=_("Passi numerati"),
        template="home/blocks/steps.html",
    )
    comuni_list = blocks.StaticBlock(
        label=_("Elenco dei Comuni aderenti"),
        admin_text=_("Mostra l'elenco dei 18 Comuni aderenti."),
        template="home/blocks/comuni_list.html",
    )
    contact = blocks.StructBlock(
        [
            ("name", blocks.CharBlock(label=_("Nome"))),
            ("address", blocks.CharBlock(label=_("Indirizzo"), required=False)),
            ("hours", blocks.CharBlock(label=_("Orari"), required=False)),
            ("phone", blocks.CharBlock(label=_("Telefono"), required=False)),
            ("email", blocks.EmailBlock(label=_("Email"), required=False)),
        ],
        label=_("Contatti"),
        template="home/blocks/contact.html",
    )


class HomePage(Page):
    intro = RichTextField(_("Introduzione"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(ContentBlocks(), blank=True, verbose_name=_("Contenuto"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    max_count = 1

    class Meta:
        verbose_name = _("Pagina iniziale")


class StandardPage(Page):
    intro = models.TextField(_("Introduzione"), blank=True)
    body = StreamField(ContentBlocks(), blank=True, verbose_name=_("Contenuto"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("Pagina di contenuto")


class HandbookPage(Page):
    """The staff handbook: one child page per role, opened from the admin's "Aiuto" menu."""

    intro = models.TextField(_("Introduzione"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.StandardPage"]
    max_count = 1

    class Meta:
        verbose_name = _("Manuale")
