"""The hooks as Celery and uWSGI meet them: run by the e2e suite (PythonHooksTest) with the agent's packages and
Celery on the path, as `python -m unittest discover -s images/python-agent/hooks/tests`."""
import logging
import socket
import subprocess
import sys
import time
import unittest

from celery import signals
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import instrumentor_hooks


class CeleryHooks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.exporter = InMemorySpanExporter()
        provider = TracerProvider()
        # a batch that would wait an hour: only a flush exports it
        provider.add_span_processor(BatchSpanProcessor(cls.exporter, schedule_delay_millis=3_600_000))
        trace.set_tracer_provider(provider)
        cls.handler = LoggingHandler(logger_provider=LoggerProvider())
        logging.getLogger().addHandler(cls.handler)
        instrumentor_hooks.post_instrument()

    def test_a_child_that_exits_flushes_its_spans_first(self):
        with trace.get_tracer(__name__).start_as_current_span("run/last-task"):
            pass
        self.assertEqual(0, len(self.exporter.get_finished_spans()))
        signals.worker_process_shutdown.send(sender=None, pid=1, exitcode=0)
        self.assertEqual(["run/last-task"], [span.name for span in self.exporter.get_finished_spans()])

    def test_the_handler_celery_removed_from_the_root_logger_comes_back(self):
        root = logging.getLogger()
        root.handlers = []  # what worker_hijack_root_logger does
        signals.after_setup_logger.send(sender=None, logger=root, loglevel=logging.INFO, logfile=None,
                                        format="", colorize=False)
        self.assertIn(self.handler, root.handlers)
        signals.after_setup_logger.send(sender=None, logger=root, loglevel=logging.INFO, logfile=None,
                                        format="", colorize=False)
        self.assertEqual(1, root.handlers.count(self.handler))

    def test_task_loggers_which_do_not_propagate_get_the_handler(self):
        task_logger = logging.getLogger("celery.task")
        task_logger.handlers = []
        signals.after_setup_task_logger.send(sender=None, logger=task_logger, loglevel=logging.INFO, logfile=None,
                                             format="", colorize=False)
        self.assertIn(self.handler, task_logger.handlers)


class UwsgiThreads(unittest.TestCase):
    def test_threads_are_on_with_any_of_uwsgis_ways_to_say_so(self):
        for args, env in ((["uwsgi", "--enable-threads"], {}), (["uwsgi", "-T"], {}),
                          (["uwsgi", "--enable-threads=true"], {}), (["uwsgi", "--threads", "4"], {}),
                          (["uwsgi", "--threads=2"], {}), (["uwsgi"], {"UWSGI_ENABLE_THREADS": "1"}),
                          (["uwsgi"], {"UWSGI_THREADS": "8"})):
            self.assertTrue(instrumentor_hooks._threads_on(args, env), (args, env))

    def test_threads_are_off_otherwise(self):
        for args, env in ((["uwsgi", "--master", "--processes", "2"], {}), (["uwsgi", "--threads", "1"], {}),
                          (["uwsgi", "--enable-threads=false"], {}), (["uwsgi"], {"UWSGI_ENABLE_THREADS": "0"}),
                          (["uwsgi", "--enable-threads=0"], {"UWSGI_ENABLE_THREADS": "1"})):
            self.assertFalse(instrumentor_hooks._threads_on(args, env), (args, env))

    def test_lazy_apps_from_the_command_line_or_the_environment(self):
        lazy = ("--lazy-apps", "--lazy"), ("UWSGI_LAZY_APPS", "UWSGI_LAZY")
        self.assertTrue(instrumentor_hooks._flag_on(["uwsgi", "--lazy-apps"], {}, *lazy))
        self.assertTrue(instrumentor_hooks._flag_on(["uwsgi"], {"UWSGI_LAZY_APPS": "1"}, *lazy))
        self.assertFalse(instrumentor_hooks._flag_on(["uwsgi", "--lazy-apps=false"], {"UWSGI_LAZY_APPS": "1"}, *lazy))
        self.assertFalse(instrumentor_hooks._flag_on(["uwsgi", "--master"], {}, *lazy))


class UwsgiMaster(unittest.TestCase):
    def test_a_thread_retrying_an_export_is_parked_all_the_same(self):
        # the master logged at start-up and its collector is not reachable yet: the export retries with back-off
        # (1, 2, 4 s) longer than a park could wait for it, unless the back-off is cut short
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]  # closed again: connections are refused
        exporter = OTLPLogExporter(endpoint="http://127.0.0.1:%d/v1/logs" % port, timeout=30)
        provider = LoggerProvider()
        processor = BatchLogRecordProcessor(exporter, schedule_delay_millis=10)
        provider.add_log_record_processor(processor)
        logger = logging.getLogger("uwsgi-master")
        logger.propagate = False
        logger.addHandler(LoggingHandler(logger_provider=provider))
        logger.warning("started")
        deadline = time.monotonic() + 10
        while processor._batch_processor._queue and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(0, len(processor._batch_processor._queue), "the worker took the record to export it")

        started = time.monotonic()
        alive = instrumentor_hooks._park_sdk_threads(TracerProvider(), provider, MeterProvider())

        self.assertEqual([], alive)
        # the retries alone (1 + 2 + 4 + 8 s) would take 15 s: the park did not wait them out
        self.assertLess(time.monotonic() - started, 5.0)
        self.assertFalse(processor._batch_processor._worker_thread.is_alive())
        self.assertFalse(exporter._shutdown_is_occuring.is_set(), "the exporter retries again in the workers")
        self.assertFalse(exporter._shutdown)
        self.assertFalse(processor._batch_processor._shutdown, "a worker's first record starts the thread again")


class ForkSafety(unittest.TestCase):
    def test_what_an_exporter_imports_lazily_is_imported_before_any_fork(self):
        # a fresh interpreter: the test process itself may have imported netrc already
        code = ("import sys, instrumentor_hooks; before = 'netrc' in sys.modules; "
                "instrumentor_hooks.post_instrument(); print(before, 'netrc' in sys.modules)")
        output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
        self.assertEqual("False True", output.stdout.strip(), output.stderr)


if __name__ == "__main__":
    unittest.main()

