from django.db import models
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index


class ContentBlocks(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label="Titolo di sezione", form_classname="title", template="home/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(
        label="Testo", features=["bold", "italic", "link", "ol", "ul", "h3"]
    )
    callout = blocks.StructBlock(
        [
            ("title", blocks.CharBlock(label="Titolo")),
            ("text", blocks.RichTextBlock(label="Testo", features=["bold", "italic", "link"])),
        ],
        label="Riquadro in evidenza",
        template="home/blocks/callout.html",
    )
    cards = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("title", blocks.CharBlock(label="Titolo")),
                ("text", blocks.TextBlock(label="Testo")),
            ]
        ),
        label="Schede",
        template="home/blocks/cards.html",
    )
    steps = blocks.ListBlock(
        blocks.CharBlock(label="Passo"), label="Passi numerati", template="home/blocks/steps.html"
    )
    comuni_list = blocks.StaticBlock(
        label="Elenco dei Comuni aderenti",
        admin_text="Mostra l'elenco dei 18 Comuni aderenti.",
        template="home/blocks/comuni_list.html",
    )
    contact = blocks.StructBlock(
        [
            ("name", blocks.CharBlock(label="Nome")),
            ("address", blocks.CharBlock(label="Indirizzo", required=False)),
            ("hours", blocks.CharBlock(label="Orari", required=False)),
            ("phone", blocks.CharBlock(label="Telefono", required=False)),
            ("email", blocks.EmailBlock(label="Email", required=False)),
        ],
        label="Contatti",
        template="home/blocks/contact.html",
    )


class HomePage(Page):
    intro = RichTextField("Introduzione", blank=True, features=["bold", "italic", "link"])
    body = StreamField(ContentBlocks(), blank=True, verbose_name="Contenuto")

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    max_count = 1

    class Meta:
        verbose_name = "Pagina iniziale"


class StandardPage(Page):
    intro = models.TextField("Introduzione", blank=True)
    body = StreamField(ContentBlocks(), blank=True, verbose_name="Contenuto")

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = "Pagina di contenuto"
