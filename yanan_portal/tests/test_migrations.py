"""The migrations match the models, the third-party apps' included (their Chinese names in the
admin are set at runtime and must not reach a migration: yanan_portal.vendor_apps)."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    output = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=output, stderr=output)
    except SystemExit:
        pytest.fail("makemigrations would write:\n" + output.getvalue())


@pytest.mark.django_db(transaction=True)
def test_publish_times_out_of_range_are_repaired_before_the_checks_are_added(capsys):
    """A database that took a year-1 publish time before news 0011 still migrates."""
    import datetime

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from news.models import Article
    from news.tests.factories import ArticleFactory

    good = ArticleFactory(published_at=datetime.datetime(1995, 6, 1, tzinfo=datetime.UTC))
    wrong = ArticleFactory()
    call_command("migrate", "news", "0010", verbosity=0)
    # Year 1 typed in Beijing time: on PostgreSQL a BC time in UTC, which Python cannot read.
    year_one = "0001-01-01 00:00:00+08" if connection.vendor == "postgresql" else "0001-01-01 00:00:00"
    try:
        with connection.cursor() as cursor:
            for table in ("news_article", "news_historicalarticle"):
                cursor.execute(f"UPDATE {table} SET published_at = %s WHERE id = %s", [year_one, wrong.pk])
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    finally:
        call_command("migrate", verbosity=0)
    wrong_now = Article.objects.get(pk=wrong.pk)
    assert wrong_now.published_at == wrong_now.created_at
    assert {h.published_at for h in wrong_now.history.all()} == {wrong_now.created_at}
    assert Article.objects.get(pk=good.pk).published_at.year == 1995
    assert f"Article {wrong.pk}" in capsys.readouterr().out
