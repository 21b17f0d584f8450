"""Search documents built before html_to_text decoded entities kept "R&amp;D" as text: the
search page's excerpt then showed "R&amp;D". Articles whose body has an entity are indexed
again (the others are unchanged by the fix)."""

from django.db import migrations


def reindex_articles_with_entities(apps, schema_editor):
    from news.search_index import build_document, html_to_text

    Article = apps.get_model("news", "Article")
    with_entities = Article.objects.filter(body__contains="&").select_related("channel")
    for article in with_entities.prefetch_related("counties", "programmes").iterator(chunk_size=500):
        tags = [article.channel.name, *(c.name for c in article.counties.all()), *(p.name for p in article.programmes.all())]
        article.search_text, article.search_vector = build_document(
            title=article.title, summary=article.summary, body_text=html_to_text(article.body), tags=tags
        )
        article.save(update_fields=["search_text", "search_vector"])


class Migration(migrations.Migration):
    dependencies = [("news", "0008_article_list_order_idx")]

    operations = [migrations.RunPython(reindex_articles_with_entities, migrations.RunPython.noop, elidable=True)]
