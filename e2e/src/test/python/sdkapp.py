"""A service that sets up the OpenTelemetry SDK in its own code, as many teams do: no agent, no
auto-instrumentation. The SDK reads what Instrumentor injects with instrumentor.dev/inject-sdk:
OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (Resource.create), OTEL_EXPORTER_OTLP_ENDPOINT and
_PROTOCOL (the exporter), OTEL_TRACES_SAMPLER[_ARG] (the provider), OTEL_PROPAGATORS (propagate).
Serves GET /work on a free port of 127.0.0.1 and prints "LISTENING <port>".
"""
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry import propagate, trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

provider = TracerProvider(resource=Resource.create())
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
trace.set_tracer_provider(provider)
tracer = trace.get_tracer("shop.checkout")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/work":
            self.send_response(404)
            self.end_headers()
            return
        context = propagate.extract(dict(self.headers))
        with tracer.start_as_current_span("GET /work", context=context, kind=trace.SpanKind.SERVER) as span:
            span.set_attribute("http.request.method", "GET")
            body = b"worked"
            self.send_response(200)
            self.send_header("content-type", "text/plain")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def stop(signum, frame):
    provider.shutdown()
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print("LISTENING %d" % server.server_address[1], flush=True)
server.serve_forever()
