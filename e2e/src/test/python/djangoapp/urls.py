import logging
import os

from django.http import HttpResponse
from django.urls import path

log = logging.getLogger("shop")


def hello(request):
    log.warning("hello served by worker %d", os.getpid())
    return HttpResponse("hello from %d" % os.getpid())


urlpatterns = [path("hello", hello)]
