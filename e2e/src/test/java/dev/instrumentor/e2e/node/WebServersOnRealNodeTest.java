package dev.instrumentor.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.instrumentor.api.v1alpha1.ApacheHttpdSpec;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.NginxSpec;
import dev.instrumentor.e2e.harness.NodeImages;
import dev.instrumentor.e2e.harness.NodeWorkloads;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Apache HTTPD and nginx on a real node: Debian's real servers, in pods the webhook gave the web server module, start
 * with the configuration the init containers rewrote and serve. The module is a stand-in in the real image's layout
 * ({@code e2e/webserver/build.sh}: the real module is on no registry reachable here) that accepts the real module's
 * directives and answers with a header saying what it was configured with, so the test sees that the configuration
 * reached a loaded module: the service name, the namespace, the pod's name as instance id (put in at the pod's start),
 * the endpoint. nginx is upstream's e2e case: a ConfigMap's nginx.conf, a non-root user, no capabilities, and its
 * stand-in module links the SDK's library, which it finds only through the LD_LIBRARY_PATH the injection sets. Not
 * run: the real module, and so no span.
 */
class WebServersOnRealNodeTest extends OnRealNode {

  private static final String ENDPOINT = "http://collector.observability:4317";
  private static final String HEADER = "X-OpenTelemetry-Standin";
  /** Upstream's instrumentation-nginx ConfigMap, with the logs on the container's output. */
  private static final String NGINX_CONF = """
      worker_processes  1;
      pid /tmp/nginx.pid;
      error_log /dev/stderr;
      events {
        worker_connections  1024;
      }
      http {
        include /etc/nginx/conf.d/*.conf;
        access_log /dev/stdout;
        client_body_temp_path /tmp/client_temp;
        proxy_temp_path       /tmp/proxy_temp_path;
        fastcgi_temp_path     /tmp/fastcgi_temp;
        uwsgi_temp_path       /tmp/uwsgi_temp;
        scgi_temp_path        /tmp/scgi_temp;
        server {
          listen       8765;
          server_name  localhost;
          location / {
            return 200 "hello from nginx\\n";
          }
        }
      }
      """;
  private static String namespace;

  @BeforeAll
  static void start() {
    namespace = cluster.namespace("webservers", Map.of());
    Instrumentation instrumentation = NodeWorkloads.instrumentation(namespace, ENDPOINT);
    NginxSpec nginx = new NginxSpec();
    nginx.setImage(NodeImages.WEB_SERVER_MODULE);
    nginx.setAttrs(List.of(new EnvVar("NginxModuleOtelMaxQueueSize", "4096", null)));
    instrumentation.getSpec().setNginx(nginx);
    ApacheHttpdSpec apache = new ApacheHttpdSpec();
    apache.setImage(NodeImages.WEB_SERVER_MODULE);
    apache.setConfigPath("/etc/apache2");
    instrumentation.getSpec().setApacheHttpd(apache);
    client.resource(instrumentation).create();
  }

  @Test
  void nginxAsUpstreamsTestRunsItStartsWithTheModuleItsConfigurationNames() {
    client.resource(new ConfigMapBuilder().withNewMetadata().withName("nginx-conf").withNamespace(namespace).endMetadata()
        .addToData("nginx.conf", NGINX_CONF).build()).create();
    Container nginx = new ContainerBuilder().withName("myapp").withImage(NodeImages.APPS)
        .withCommand("nginx", "-g", "daemon off;")
        .withNewSecurityContext().withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL")
          .endCapabilities().endSecurityContext()
        .addNewPort().withContainerPort(8765).endPort()
        .withNewReadinessProbe().withNewHttpGet().withPath("/").withPort(new IntOrString(8765)).endHttpGet()
          .withPeriodSeconds(1).withFailureThreshold(120).endReadinessProbe()
        .addToEnv(new EnvVar("LD_LIBRARY_PATH", "/opt", null))
        .addNewVolumeMount().withName("nginx-conf").withMountPath("/etc/nginx/nginx.conf").withSubPath("nginx.conf")
          .withReadOnly(true).endVolumeMount()
        .build();
    Deployment deployment = NodeWorkloads.deployment(namespace, "my-nginx",
        Map.of("instrumentation.opentelemetry.io/inject-nginx", "true"), nginx);
    deployment.getSpec().getTemplate().getSpec().setSecurityContext(new PodSecurityContextBuilder().withRunAsUser(1000L)
        .withRunAsGroup(3000L).withFsGroup(3000L).build());
    deployment.getSpec().getTemplate().getSpec().getVolumes().add(new VolumeBuilder().withName("nginx-conf")
        .withNewConfigMap().withName("nginx-conf").endConfigMap().build());
    client.resource(deployment).create();

    Pod pod = NodeWorkloads.awaitAvailable(client, namespace, "my-nginx", Duration.ofMinutes(3));
    assertThat(pod.getSpec().getInitContainers()).extracting(Container::getName)
        .containsExactly("instrumentor-nginx-conf", "instrumentor-nginx-agent");
    assertInitContainersSucceeded(pod);
    HttpResponse<String> response = standin("http://" + pod.getStatus().getPodIP() + ":8765/", "hello from nginx");
    assertThat(response.headers().firstValue(HEADER)).hasValue("service=my-nginx; namespace=" + namespace + "; instance="
        + pod.getMetadata().getName() + "; endpoint=" + ENDPOINT + "; sdk=standin");
    // nginx's workers see a variable only when the configuration names it: the injected env line did
    assertThat(response.headers().firstValue(HEADER + "-Resource")).hasValueSatisfying(attributes ->
        assertThat(attributes).contains("k8s.pod.name=" + pod.getMetadata().getName(), "k8s.container.name=myapp"));
  }

  @Test
  void debiansApacheStartsWithTheModuleIncludedFromApache2Conf() {
    Container apache = new ContainerBuilder().withName("web").withImage(NodeImages.APPS)
        .withCommand("apache2ctl", "-D", "FOREGROUND")
        .addNewPort().withContainerPort(80).endPort()
        .withNewReadinessProbe().withNewHttpGet().withPath("/").withPort(new IntOrString(80)).endHttpGet()
          .withPeriodSeconds(1).withFailureThreshold(120).endReadinessProbe()
        .build();
    Deployment deployment = NodeWorkloads.deployment(namespace, "my-apache",
        Map.of("instrumentor.dev/inject-apache-httpd", "true"), apache);
    deployment.getSpec().getTemplate().getSpec().setSecurityContext(new PodSecurityContextBuilder().withRunAsUser(0L)
        .build());
    client.resource(deployment).create();

    Pod pod = NodeWorkloads.awaitAvailable(client, namespace, "my-apache", Duration.ofMinutes(3));
    assertInitContainersSucceeded(pod);
    HttpResponse<String> response = standin("http://" + pod.getStatus().getPodIP() + ":80/", "Apache2 Debian Default Page");
    assertThat(response.headers().firstValue(HEADER)).hasValue("service=my-apache; namespace=" + namespace + "; instance="
        + pod.getMetadata().getName() + "; endpoint=" + ENDPOINT + "; sdk=standin");
  }

  private static void assertInitContainersSucceeded(Pod pod) {
    assertThat(pod.getStatus().getInitContainerStatuses()).hasSize(2).allSatisfy((ContainerStatus status) ->
        assertThat(status.getState().getTerminated().getExitCode()).as(status.getName()).isZero());
  }

  /** The server's answer, once it answers with the stand-in module's header. */
  private static HttpResponse<String> standin(String uri, String body) {
    List<HttpResponse<String>> answered = new java.util.ArrayList<>(1);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      HttpResponse<String> response = NodeWorkloads.get(uri);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).contains(body);
      assertThat(response.headers().firstValue(HEADER)).as("the module's header: it is loaded").isPresent();
      answered.add(response);
    });
    return answered.get(answered.size() - 1);
  }
}
