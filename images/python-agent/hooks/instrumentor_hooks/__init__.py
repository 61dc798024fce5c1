"""What a team otherwise writes by hand around the OpenTelemetry SDK, done for every injected process.

Celery's prefork children end with ``os._exit`` (billiard), which skips the SDK's ``atexit`` flush: a child
recycled by ``--max-tasks-per-child`` (or ``--max-memory-per-child``) loses the spans, metrics and logs of
its last tasks, up to one export interval (5 s of spans by default). Celery's ``worker_process_shutdown``
signal runs in the child just before that exit; the hook flushes there.

Celery takes over the root logger in its workers (``worker_hijack_root_logger``, on by default) and
removes every handler, the OpenTelemetry one with them, so no worker log would be exported; task loggers
do not propagate to the root. The hook puts the handler back once Celery has set its loggers up.

uWSGI without ``--enable-threads`` gives the SDK's export threads a turn only while a request runs Python code: an
idle worker keeps what it holds; with threads but without ``--lazy-apps``, its master forks workers while the
SDK's threads run, and a worker forked while one of them holds the GIL hangs before it serves (measured: 25 of 40
starts of four workers). The webhook sets UWSGI_ENABLE_THREADS=1 and UWSGI_LAZY_APPS=1; where a user's setting
turns either off, the hook says so on stderr instead of leaving the user with silence or a hung worker.

Nothing here may break the application: every hook catches and reports its own failures.
"""
import logging
import os
import sys

_log = logging.getLogger(__name__)
_FLUSH_MILLIS = 5000


def post_instrument(**_kwargs):
    for hook in (_celery, _uwsgi):
        try:
            hook()
        except Exception:  # pylint: disable=broad-except  # a hook never stops the application
            _log.exception("instrumentor: hook %s failed", hook.__name__)


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
              "requests come or it exits (a killed worker's are lost). Start uWSGI with --enable-threads (or "
              "--threads N, or UWSGI_ENABLE_THREADS=1).",
              file=sys.stderr, flush=True)
    elif not _flag_on(args, os.environ, ("--lazy-apps", "--lazy"), ("UWSGI_LAZY_APPS", "UWSGI_LAZY")):
        print("instrumentor: uWSGI runs with threads but without --lazy-apps: its master forks workers while the "
              "OpenTelemetry SDK's threads run, and a worker forked while one of them holds the GIL never starts. "
              "Start uWSGI with --lazy-apps (or UWSGI_LAZY_APPS=1).", file=sys.stderr, flush=True)


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
