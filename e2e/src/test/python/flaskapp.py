"""The e2e's Flask service, as a team would write it: no OpenTelemetry in it. Run as
`python flaskapp.py front` (calls BACK_URL with requests) or `python flaskapp.py back`. Prints
"LISTENING <port>" once it serves, on a free loopback port."""
import logging
import os
import signal
import sys

import requests
from flask import Flask
from werkzeug.serving import make_server

ROLE = sys.argv[1]
app = Flask(ROLE)
log = logging.getLogger(ROLE)


@app.route("/" + ROLE)
def handle():
    log.warning("%s handles a request", ROLE)
    if ROLE == "front":
        answer = requests.get(os.environ["BACK_URL"] + "/back", timeout=10)
        return "front+" + answer.text
    return "back"


if __name__ == "__main__":
    # SIGTERM (how the kubelet stops a container) ends the process as gunicorn and uWSGI do, through the
    # interpreter's exit, where the OpenTelemetry SDK flushes what it still holds; Python's default
    # action would end it at once and lose that (werkzeug's server is only a stand-in for them)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print("LISTENING %d" % server.port, flush=True)
    server.serve_forever()
