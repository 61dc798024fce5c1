"""What the web tier hands to the workers: recording a sale, in the database and the cache."""
import logging
import os

from celery import shared_task
from django.core.cache import cache
from django.db import connection

log = logging.getLogger("shop.tasks")


@shared_task
def record_sale(product_id):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE products SET sold = sold + 1 WHERE id = %s", [product_id])
        cursor.execute("SELECT sold FROM products WHERE id = %s", [product_id])
        (sold,) = cursor.fetchone()
    cache.set("sold:%d" % product_id, sold, 300)
    log.warning("sale of product %d recorded by worker process %d", product_id, os.getpid())
    return sold
