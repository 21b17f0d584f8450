"""浏览量 under parallel requests: needs PostgreSQL (SQLite serialises writers anyway)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client

from .factories import ArticleFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_views_lose_no_increment():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (runs in .ci/run)")
    article = ArticleFactory(views=0)
    url = article.get_absolute_url()

    def read(_):
        try:
            client = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) MicroMessenger")
            return client.get(url).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(read, range(80)))
    assert statuses == [200] * 80
    article.refresh_from_db()
    assert article.views == 80
