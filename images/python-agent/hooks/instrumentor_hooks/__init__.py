"""What a team otherwise writes by hand around the OpenTelemetry SDK, done for every injected process.

Celery's prefork children end with ``os._exit`` (billiard), which skips the SDK's ``atexit`` flush: a child
recycled by ``--max-tasks-per-child`` (or ``--max-memory-per-child``) loses the spans, metrics and logs of
its last tasks, up to one export interval (5 s of spans by default). Celery's ``worker_process_shutdown``
signal runs in the child just before that exit; the hook flushes there.

Celery takes over the root logger in its workers (``worker_hijack_root_logger``, on by default) and
removes every handler, the OpenTelemetry one with them, so no worker log would be exported; task loggers
do not propagate to the root. The hook puts the handler back once Celery has set its loggers up.

uWSGI forks its workers from C, without Python's fork protocol, after the SDK started its export threads in the
master: a worker forked while one of them holds the GIL never serves (measured: 11 of 20 local starts of four
workers with threads; hung pods without threads and with --lazy-apps too). The hook stops those threads in uWSGI's
master; each worker starts them again at its first record (0 of 40 starts hung). Without ``--enable-threads`` the
workers' exporters run only while a request runs Python code; the hook says so on stderr.

Nothing here may break the application: every hook catches and reports its own failures.
"""
import logging
import os
import sys

_log = logging.getLogger(__name__)
_FLUSH_MILLIS = 5000


def post_instrument(**_kwargs):
    for hook in (_import_before_fork, _fresh_connections_after_fork, _celery, _uwsgi):
        try:
            hook()
        except Exception:  # pylint: disable=broad-except  # a hook never stops the application
            _log.exception("instrumentor: hook %s failed", hook.__name__)


def _import_before_fork():
    """Imports in the master what an exporter imports only at its first export, so that no fork catches it half done.

    ``requests`` imports ``netrc`` at a session's first request (``get_netrc_auth``). A pre-fork server's master exports
    what it logged at start (the logging instrumentation warns there) about 100 ms after it starts; a worker forked
    while that import runs inherits the module's import lock held by a thread it does not have, and every export
    thread of that worker then waits for it forever: its logs and metrics never leave, and its spans neither when
    the span thread's id differs from the dead importer's (reproduced with gunicorn 27 and Django, the import slowed).
    """
    import netrc  # noqa: F401,PLC0415  pylint: disable=import-outside-toplevel,unused-import


def _fresh_connections_after_fork():
    """A forked worker must not share its parent's HTTP connections to the collector.

    A pre-fork server's master exports what it logged at start (one record is enough) over a keep-alive connection;
    every worker forked after that inherits the same socket in its exporter's pool, and their requests and responses
    cross: log records were lost (gunicorn, 2 of 14 e2e runs). Each worker closes the inherited pools and connects
    anew. uWSGI forks without Python's fork hooks: there the master closes them itself (_park_sdk_threads).
    """
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_close_exporter_sessions)


def _close_exporter_sessions():
    for exporter in _exporters():
        session = getattr(exporter, "_session", None)
        if session is not None and hasattr(session, "close"):
            try:
                session.close()  # a requests.Session: its pools are emptied, the next export connects anew
            except Exception:  # pylint: disable=broad-except
                pass


def _exporters():
    from opentelemetry import metrics, trace  # noqa: PLC0415
    from opentelemetry._logs import get_logger_provider  # noqa: PLC0415

    batches = _span_batches(trace.get_tracer_provider()) + _log_batches(get_logger_provider())
    readers = getattr(metrics.get_meter_provider(), "_metric_readers", ()) or ()
    return [getattr(owner, "_exporter", None) for owner in list(batches) + list(readers)]


def _celery():
    try:
        from celery import signals  # noqa: PLC0415  (only where the application has Celery)
    except ImportError:
        return
    handlers = [h for h in logging.getLogger().handlers if _is_otel_handler(h)]
    signals.worker_process_shutdown.connect(_flush, weak=False)
    if handlers:
        def restore(logger=None, **_kwargs):
            for handler in handlers:
                if logger is not None and handler not in logger.handlers:
                    logger.addHandler(handler)

        signals.after_setup_logger.connect(restore, weak=False)
        signals.after_setup_task_logger.connect(restore, weak=False)


def _is_otel_handler(handler):
    return type(handler).__name__ == "LoggingHandler" and type(handler).__module__.startswith("opentelemetry.")


def _flush(**_kwargs):
    from opentelemetry import metrics, trace  # noqa: PLC0415
    from opentelemetry._logs import get_logger_provider  # noqa: PLC0415

    for provider in (trace.get_tracer_provider(), metrics.get_meter_provider(), get_logger_provider()):
        flush = getattr(provider, "force_flush", None)
        if flush is not None:
            try:
                flush(_FLUSH_MILLIS)
            except Exception:  # pylint: disable=broad-except
                _log.exception("instrumentor: flushing %s failed", type(provider).__name__)


def _uwsgi():
    # sitecustomize runs before uWSGI creates its `uwsgi` module, so its options are read from where they came
    if not os.path.basename(sys.executable).startswith("uwsgi") and "UWSGI_ORIGINAL_PROC_NAME" not in os.environ:
        return
    try:
        with open("/proc/self/cmdline", "rb") as f:
            args = [arg.decode(errors="replace") for arg in f.read().split(b"\0") if arg]
    except OSError:
        return
    if any(arg.split("=", 1)[0].lstrip("-") in _CONFIG_FILES for arg in args):
        return  # options in a file: not guessed here
    if not _threads_on(args, os.environ):
        print("instrumentor: uWSGI runs without --enable-threads: the OpenTelemetry SDK's export threads run only "
              "while a request runs Python code, so an idle worker keeps its traces, metrics and logs until more "
              "requests come or it exits (a killed worker's are lost).", file=sys.stderr, flush=True)
    if _flag_on(args, os.environ, ("--master", "-M"), ("UWSGI_MASTER",)):
        _park_sdk_threads()  # the master serves nothing: its threads need not start again there
    else:
        print("instrumentor: uWSGI runs without --master: its first process serves too, so the OpenTelemetry SDK's "
              "threads are left running in it, and a worker it forks while one of them holds the GIL can hang. Start "
              "uWSGI with --master.", file=sys.stderr, flush=True)


def _park_sdk_threads(tracer_provider=None, logger_provider=None, meter_provider=None):
    """Stops the SDK's export threads in uWSGI's master, each to start again in the process that first uses it.

    uWSGI forks its workers from C, without Python's fork protocol: a worker forked while one of these threads holds
    the GIL waits for it forever. With no thread of ours in the master, the GIL is free when it forks. A batch
    processor starts its thread again at its first record in a new process (it checks the pid); the metric readers
    start theirs with it, or by their own at-fork hook where uWSGI runs one (--py-call-osafterfork). A thread caught
    retrying an export (a collector not reachable yet) is told to give up its back-off, as at shutdown; what it was
    exporting from the master is lost, as it would be at the master's exit.
    """
    from opentelemetry import metrics, trace  # noqa: PLC0415
    from opentelemetry._logs import get_logger_provider  # noqa: PLC0415

    tracer_provider = tracer_provider or trace.get_tracer_provider()
    logger_provider = logger_provider or get_logger_provider()
    meter_provider = meter_provider or metrics.get_meter_provider()
    batches = [processor for processor in (_span_batches(tracer_provider) + _log_batches(logger_provider))
               if _parkable_batch(processor)]
    readers = [reader for reader in getattr(meter_provider, "_metric_readers", ()) or ()
               if _parkable_reader(reader)]
    exporters = [getattr(owner, "_exporter", None) for owner in batches + readers]
    aborts = [event for event in (_retry_abort(exporter) for exporter in exporters) if event is not None]
    # one request at most is left once the back-off is cut short: its timeout bounds the wait
    bound = max([_timeout_seconds(exporter) for exporter in exporters] + [5.0]) + 1.0
    for processor in batches:
        processor._shutdown = True  # pylint: disable=protected-access
        processor._worker_awaken.set()  # pylint: disable=protected-access
    for reader in readers:
        reader._shutdown_event.set()  # pylint: disable=protected-access
    for event in aborts:
        event.set()
    for processor in batches:
        processor._worker_thread.join(bound)  # pylint: disable=protected-access
        processor._shutdown = False  # pylint: disable=protected-access
        processor._shutdown_timeout_exceeded = False  # pylint: disable=protected-access
    for reader in readers:
        reader._daemon_thread.join(bound)  # pylint: disable=protected-access
        reader._shutdown_event.clear()  # pylint: disable=protected-access
    for event in aborts:
        event.clear()
    _close_exporter_sessions()  # the workers forked from C inherit no connection of the master's
    master = os.getpid()

    def restart_readers():
        # once per process: the first batch processor to start again in a worker starts the metric readers too, unless
        # an at-fork hook already did
        if os.getpid() != master and getattr(restart_readers, "pid", None) != os.getpid():
            restart_readers.pid = os.getpid()
            for reader in readers:
                if not reader._daemon_thread.is_alive():  # pylint: disable=protected-access
                    reader._at_fork_reinit()  # pylint: disable=protected-access

    for processor in batches:
        reinit = processor._at_fork_reinit  # pylint: disable=protected-access

        def reinit_and_readers(reinit=reinit):
            reinit()
            restart_readers()

        processor._at_fork_reinit = reinit_and_readers  # pylint: disable=protected-access
    threads = [processor._worker_thread for processor in batches] + [reader._daemon_thread for reader in readers]  # pylint: disable=protected-access
    alive = [thread.name for thread in threads if thread.is_alive()]
    if alive:
        print("instrumentor: uWSGI: the OpenTelemetry SDK's threads %s still run in the master" % alive,
              file=sys.stderr, flush=True)
    return alive


def _span_batches(provider):
    processors = getattr(getattr(provider, "_active_span_processor", None), "_span_processors", ())
    return [getattr(processor, "_batch_processor", None) for processor in processors]


def _log_batches(provider):
    processors = getattr(getattr(provider, "_multi_log_record_processor", None), "_log_record_processors", ())
    return [getattr(processor, "_batch_processor", None) for processor in processors]


def _retry_abort(exporter):
    """The event an OTLP/HTTP exporter waits on between retries, which its shutdown sets (named per signal)."""
    for name in ("_shutdown_in_progress", "_shutdown_is_occuring"):
        event = getattr(exporter, name, None)
        if event is not None and hasattr(event, "set") and hasattr(event, "clear"):
            return event
    return None


def _timeout_seconds(exporter):
    timeout = getattr(exporter, "_timeout", None)
    return float(timeout) if isinstance(timeout, (int, float)) else 10.0


def _parkable_batch(processor):
    return all(hasattr(processor, name) for name in
               ("_shutdown", "_worker_awaken", "_worker_thread", "_at_fork_reinit", "_shutdown_timeout_exceeded"))


def _parkable_reader(reader):
    return getattr(reader, "_daemon_thread", None) is not None and hasattr(reader, "_shutdown_event") \
        and hasattr(reader, "_at_fork_reinit")


_CONFIG_FILES = {"ini", "yaml", "yml", "json", "xml", "sqlite3", "ldap", "config", "inherit", "include"}


def _threads_on(args, env):
    for i, arg in enumerate(args):
        name, _, value = arg.partition("=")
        if name == "--threads":
            value = value or (args[i + 1] if i + 1 < len(args) else "")
            return value.isdigit() and int(value) > 1
    return _flag_on(args, env, ("--enable-threads", "-T"), ("UWSGI_ENABLE_THREADS",)) or (
        env.get("UWSGI_THREADS", "").isdigit() and int(env["UWSGI_THREADS"]) > 1)


def _flag_on(args, env, flags, variables):
    """A uWSGI flag from the command line (which wins) or its UWSGI_* variable."""
    for arg in args:
        name, _, value = arg.partition("=")
        if name in flags:
            return not value or _on(value)
    return any(_on(env.get(variable)) for variable in variables)


def _on(value):
    return value is not None and value.strip().lower() not in ("", "0", "false", "no", "off")
