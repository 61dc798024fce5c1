import logging
import os

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse

from .tasks import record_sale

log = logging.getLogger("shop.views")


def health(request):
    return HttpResponse("ok")


def buy(request, product_id):
    name = cache.get("product:%d" % product_id)
    if name is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM products WHERE id = %s", [product_id])
            row = cursor.fetchone()
        if row is None:
            log.error("no product %d", product_id)
            return JsonResponse({"error": "no such product"}, status=404)
        name = row[0]
        cache.set("product:%d" % product_id, name, 300)
    task = record_sale.delay(product_id)
    log.warning("product %d sold by web process %d", product_id, os.getpid())
    return JsonResponse({"product": name, "task": task.id, "pid": os.getpid()})
