package dev.instrumentor.e2e.harness;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The e2e's shop on the real node ({@code e2e/src/test/python/shop}): Django under gunicorn or uWSGI, Celery
 * workers fed through Redis, MariaDB and memcached, each in its own Deployment behind a Service of its name, all
 * from {@link NodeImages#APPS} and run as its non-root user. The servers are Debian's, started as a user's
 * {@code redis}, {@code mariadb} and {@code memcached} images would start them; the application has no
 * OpenTelemetry code, and only the web and worker Deployments are annotated for injection.
 */
public final class ShopStack {

  public static final String WEB = "shop-web";
  public static final String WORKER = "shop-worker";
  public static final String UWSGI = "shop-uwsgi";
  private static final Map<String, String> INJECT_PYTHON = Map.of("instrumentor.dev/inject-python", "true");

  private ShopStack() {
  }

  /** Creates the servers (Redis, MariaDB with the shop's schema, memcached) and their Services. */
  public static void createServers(KubernetesClient client, String namespace) {
    server(client, namespace, "redis", 6379, List.of("redis-server", "--bind", "0.0.0.0", "--port", "6379",
        "--protected-mode", "no", "--save", "", "--appendonly", "no", "--dir", "/tmp"));
    server(client, namespace, "memcached", 11211, List.of("memcached", "-l", "0.0.0.0", "-p", "11211", "-m", "64"));
    // a fresh data directory per pod, the schema applied at each start by --init-file (idempotent)
    server(client, namespace, "mariadb", 3306, List.of("sh", "-c",
        "mariadb-install-db --no-defaults --datadir=/data/db --auth-root-authentication-method=normal --skip-test-db"
            + " >/dev/null && exec mariadbd --no-defaults --datadir=/data/db --socket=/data/db/mysqld.sock"
            + " --bind-address=0.0.0.0 --port=3306 --skip-name-resolve --init-file=/apps/python/shop/schema.sql"));
  }

  /** The web tier under gunicorn with two prefork workers, as its Deployment and Service. */
  public static void createGunicornWeb(KubernetesClient client, String namespace) {
    web(client, namespace, WEB, List.of("python3", "-m", "gunicorn", "--workers", "2", "--bind", "0.0.0.0:8080",
        "shop.wsgi"));
  }

  /**
   * The web tier under uWSGI (Debian's, its Python 3 plugin) as the README advises: a master, two workers, threads on
   * (the agent image stops the SDK's threads in the master before it forks, so no worker inherits a held GIL).
   */
  public static void createUwsgiWeb(KubernetesClient client, String namespace) {
    web(client, namespace, UWSGI, List.of("uwsgi", "--plugin", "python3", "--http-socket", "0.0.0.0:8080",
        "--module", "shop.wsgi:application", "--master", "--processes", "2", "--enable-threads", "--die-on-term"));
  }

  /** The Celery worker: two prefork children, each recycled after one task. */
  public static void createWorker(KubernetesClient client, String namespace) {
    Container worker = app(WORKER, List.of("python3", "-m", "celery", "-A", "shop", "worker", "--pool", "prefork",
        "--concurrency", "2", "--max-tasks-per-child", "1", "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--loglevel", "INFO")).build();
    // as examples/django-celery.yaml: the tasks do not use Redis, kombu's bookkeeping is not traced
    worker.getEnv().add(env("OTEL_PYTHON_DISABLED_INSTRUMENTATIONS", "redis"));
    client.resource(NodeWorkloads.deployment(namespace, WORKER, INJECT_PYTHON, worker)).create();
  }

  private static void web(KubernetesClient client, String namespace, String name, List<String> command) {
    Container web = app(name, command)
        .addNewPort().withName("http").withContainerPort(8080).endPort()
        .withNewReadinessProbe().withNewHttpGet().withPath("/health").withPort(new IntOrString(8080)).endHttpGet()
          .withPeriodSeconds(1).withFailureThreshold(120).endReadinessProbe()
        .build();
    client.resource(NodeWorkloads.service(namespace, name)).create();
    client.resource(NodeWorkloads.deployment(namespace, name, INJECT_PYTHON, web)).create();
  }

  private static ContainerBuilder app(String name, List<String> command) {
    return new ContainerBuilder().withName(name).withImage(NodeImages.APPS).withCommand(command)
        .withWorkingDir("/apps/python")
        .withEnv(new ArrayList<>(List.of(env("PYTHONPATH", "/apps/python:/apps/python/site-packages"),
            env("DJANGO_SETTINGS_MODULE", "shop.settings"), env("PYTHONDONTWRITEBYTECODE", "1"),
            env("DB_HOST", "mariadb"), env("DB_PASSWORD", "shop-e2e"), env("MEMCACHED", "memcached:11211"),
            env("REDIS_URL", "redis://redis:6379/0"))));
  }

  private static void server(KubernetesClient client, String namespace, String name, int port, List<String> command) {
    Container container = new ContainerBuilder().withName(name).withImage(NodeImages.APPS).withCommand(command)
        .addNewPort().withName("main").withContainerPort(port).endPort()
        .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
        .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString(port)).endTcpSocket()
          .withPeriodSeconds(1).withFailureThreshold(180).endReadinessProbe()
        .build();
    Deployment deployment = NodeWorkloads.deployment(namespace, name, Map.of(), container);
    deployment.getSpec().getTemplate().getSpec().getVolumes()
        .add(new VolumeBuilder().withName("data").withNewEmptyDir().endEmptyDir().build());
    client.resource(deployment).create();
    client.resource(NodeWorkloads.service(namespace, name, name, port)).create();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVar(name, value, null);
  }
}
