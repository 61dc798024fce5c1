package dev.instrumentor.e2e.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.Exporter;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.api.v1alpha1.JavaSpec;
import dev.instrumentor.api.v1alpha1.NodeJsSpec;
import dev.instrumentor.api.v1alpha1.PythonSpec;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;

/** Workloads for the real node: the test applications of {@link NodeImages#APPS}, as a user would deploy them. */
public final class NodeWorkloads {

  private NodeWorkloads() {
  }

  /** The JDK HTTP server of {@code HelloApp} on port 8080, ready once {@code /hello} answers. */
  public static Container javaApp(List<EnvVar> env) {
    return new ContainerBuilder().withName("app").withImage(NodeImages.APPS)
        .withCommand("java", "-cp", "/apps/java", "dev.instrumentor.e2e.app.HelloApp", "8080")
        .addNewPort().withName("http").withContainerPort(8080).endPort()
        .withEnv(env)
        .withNewReadinessProbe().withNewHttpGet().withPath("/hello").withPort(new IntOrString(8080)).endHttpGet()
          .withPeriodSeconds(1).withFailureThreshold(120).endReadinessProbe()
        .withNewResources().addToLimits("memory", new Quantity("256Mi")).endResources()
        .build();
  }

  /** Django under gunicorn with two prefork workers on port 8080, ready once {@code /hello} answers. */
  public static Container djangoApp() {
    return new ContainerBuilder().withName("app").withImage(NodeImages.APPS)
        .withCommand("python3", "-m", "gunicorn", "--workers", "2", "--bind", "0.0.0.0:8080", "djangoapp.wsgi")
        .withWorkingDir("/apps/python")
        .addNewEnv().withName("PYTHONPATH").withValue("/apps/python:/apps/python/site-packages").endEnv()
        .addNewEnv().withName("DJANGO_SETTINGS_MODULE").withValue("djangoapp.settings").endEnv()
        .addNewEnv().withName("PYTHONDONTWRITEBYTECODE").withValue("1").endEnv()
        .addNewPort().withName("http").withContainerPort(8080).endPort()
        .withNewReadinessProbe().withNewHttpGet().withPath("/hello").withPort(new IntOrString(8080)).endHttpGet()
          .withPeriodSeconds(1).withFailureThreshold(120).endReadinessProbe()
        .build();
  }

  /** The {@code node:http} front of {@code httpapp.js} on port 8080, calling {@code backUrl}; ready once it listens. */
  public static Container nodeFront(String backUrl, String backPath) {
    return new ContainerBuilder().withName("app").withImage(NodeImages.APPS)
        .withCommand("node", "/apps/nodejs/httpapp.js", "front")
        .addNewEnv().withName("PORT").withValue("8080").endEnv()
        .addNewEnv().withName("BACK_URL").withValue(backUrl).endEnv()
        .addNewEnv().withName("BACK_PATH").withValue(backPath).endEnv()
        .addNewPort().withName("http").withContainerPort(8080).endPort()
        .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString(8080)).endTcpSocket()
          .withPeriodSeconds(1).withFailureThreshold(120).endReadinessProbe()
        .build();
  }

  /**
   * An Instrumentation {@code namespace/default} sending to {@code endpoint} with the agent images of the node
   * ({@link NodeImages}) and only traces, exported every 100 ms: the tests wait on spans, not on batching.
   */
  public static Instrumentation instrumentation(String namespace, String endpoint) {
    Instrumentation instrumentation = new Instrumentation();
    instrumentation.getMetadata().setNamespace(namespace);
    instrumentation.getMetadata().setName("default");
    InstrumentationSpec spec = new InstrumentationSpec();
    Exporter exporter = new Exporter();
    exporter.setEndpoint(endpoint);
    spec.setExporter(exporter);
    JavaSpec java = new JavaSpec();
    java.setImage(NodeImages.JAVA_AGENT);
    spec.setJava(java);
    PythonSpec python = new PythonSpec();
    python.setImage(NodeImages.PYTHON_AGENT);
    spec.setPython(python);
    NodeJsSpec nodejs = new NodeJsSpec();
    nodejs.setImage(NodeImages.NODEJS_AGENT);
    spec.setNodejs(nodejs);
    spec.setEnv(List.of(new EnvVar("OTEL_BSP_SCHEDULE_DELAY", "100", null), new EnvVar("OTEL_METRICS_EXPORTER", "none", null),
        new EnvVar("OTEL_LOGS_EXPORTER", "none", null)));
    instrumentation.setSpec(spec);
    return instrumentation;
  }

  /**
   * A TelemetryCollector running the collector built here ({@link NodeImages#COLLECTOR}) in {@code mode}: OTLP in
   * on 4317/4318, traces, metrics and logs batched every 200 ms and exported over OTLP/HTTP to {@code sinkEndpoint},
   * health_check for the kubelet's probes.
   */
  public static TelemetryCollector collector(KubernetesClient client, String namespace, String name, String mode,
      String sinkEndpoint) {
    String yaml = """
        apiVersion: instrumentor.dev/v1alpha1
        kind: TelemetryCollector
        metadata: {name: %s, namespace: %s}
        spec:
          mode: %s
          image: %s
          config:
            receivers:
              otlp:
                protocols: {grpc: {}, http: {}}
            processors:
              batch: {timeout: 200ms}
            exporters:
              otlphttp/sink: {endpoint: "%s", compression: none}
            extensions:
              health_check: {}
            service:
              extensions: [health_check]
              pipelines:
                traces: {receivers: [otlp], processors: [batch], exporters: [otlphttp/sink]}
                metrics: {receivers: [otlp], processors: [batch], exporters: [otlphttp/sink]}
                logs: {receivers: [otlp], processors: [batch], exporters: [otlphttp/sink]}
        """.formatted(name, namespace, mode, NodeImages.COLLECTOR, sinkEndpoint);
    return client.getKubernetesSerialization().unmarshal(yaml, TelemetryCollector.class);
  }

  /** Waits until the Deployment is available (its pods Ready, as the kubelet says); returns its first pod. */
  public static Pod awaitAvailable(KubernetesClient client, String namespace, String name, Duration within) {
    Awaitility.await().atMost(within).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() ->
        assertThat(available(client.apps().deployments().inNamespace(namespace).withName(name).get()))
            .as(namespace + "/" + name + " is available").isTrue());
    return pods(client, namespace, name).get(0);
  }

  /** A Deployment of one pod running {@code container}, its template annotated with {@code annotations}. */
  public static Deployment deployment(String namespace, String name, Map<String, String> annotations, Container container) {
    return new DeploymentBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withNewSpec().withReplicas(1)
          .withNewSelector().addToMatchLabels("app", name).endSelector()
          .withNewTemplate()
            .withNewMetadata().addToLabels("app", name).withAnnotations(annotations).endMetadata()
            .withNewSpec().withContainers(container).withTerminationGracePeriodSeconds(2L)
              .withAutomountServiceAccountToken(false).endSpec()
          .endTemplate()
        .endSpec().build();
  }

  /** A ClusterIP Service in front of Deployment {@code name}'s port 8080. */
  public static Service service(String namespace, String name) {
    return service(namespace, name, "http", 8080);
  }

  /** A ClusterIP Service in front of Deployment {@code name}'s {@code port}, on the same port, named {@code portName}. */
  public static Service service(String namespace, String name, String portName, int port) {
    return new ServiceBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withNewSpec().addToSelector("app", name)
          .addNewPort().withName(portName).withPort(port).withTargetPort(new IntOrString(port)).endPort()
        .endSpec().build();
  }

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * {@code GET uri} from this machine (a ClusterIP is routed by kube-proxy's rules, a pod IP over the bridge);
   * a connection that fails is an {@link AssertionError}, so that an await retries it while kube-proxy catches up.
   */
  public static HttpResponse<String> get(String uri) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(uri))
          .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("GET " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The pods of Deployment {@code name}, found by its selector. */
  public static List<Pod> pods(KubernetesClient client, String namespace, String name) {
    Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
    return client.pods().inNamespace(namespace).withLabels(deployment.getSpec().getSelector().getMatchLabels()).list()
        .getItems();
  }

  /**
   * Edits as {@code kubectl edit} does when the object changed under it: reads it again and repeats the edit. The
   * operator writes a resource's status while the test edits its spec, and {@code edit} sends the version it read.
   */
  public static <T> T edit(Resource<T> resource, UnaryOperator<T> edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        return resource.edit(edit);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  /** Whether the Deployment has all its replicas updated and available, as the Deployment controller says. */
  public static boolean available(Deployment deployment) {
    if (deployment == null || deployment.getStatus() == null) {
      return false;
    }
    int wanted = deployment.getSpec().getReplicas();
    var status = deployment.getStatus();
    return status.getObservedGeneration() != null && status.getObservedGeneration() >= deployment.getMetadata().getGeneration()
        && status.getUpdatedReplicas() != null && status.getUpdatedReplicas() == wanted
        && status.getAvailableReplicas() != null && status.getAvailableReplicas() == wanted
        && (status.getReplicas() == null || status.getReplicas() == wanted);
  }
}
