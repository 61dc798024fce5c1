package dev.instrumentor.webhook.agent;

import static dev.instrumentor.webhook.testing.Fixtures.deploymentPod;
import static dev.instrumentor.webhook.testing.Fixtures.instrumentation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.ApacheHttpdSpec;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.NginxSpec;
import dev.instrumentor.webhook.mutation.InjectionOutcome.Status;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodMutator;
import dev.instrumentor.webhook.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Apache HTTPD and nginx, with the contract of the OpenTelemetry Operator's {@code apachehttpd.go} and {@code nginx.go}
 * (its e2e tests {@code instrumentation-nginx}, {@code -apache-httpd} and their multi-container variants): the clone of
 * the first target copies the configuration, the module's init container writes the module's configuration, the
 * first target mounts both volumes in place of its configuration mount; every target gets the OTEL_* environment. The
 * scripts run against Debian's servers in the e2e module.
 */
class WebServerInjectionTest {

  private final List<Instrumentation> instrumentations = new ArrayList<>();

  private Instrumentation demo() {
    Instrumentation demo = instrumentation("demo", "web", "http://collector.observability:4317");
    instrumentations.add(demo);
    return demo;
  }

  private PodMutator.Result mutate(Pod pod) {
    PodMutator mutator = Agents.mutator(InstrumentationSource.of(instrumentations), InjectorSettings.defaults());
    PodMutator.Result result = Fixtures.mutateChecked(mutator, pod, PodContext.forPod(pod, "demo", Map.of()));
    if (result.changed()) {
      Pod again = result.pod();
      assertThat(mutator.mutate(again, PodContext.forPod(again, "demo", Map.of())).changed())
          .as("mutating the mutated pod again changes it").isFalse();
    }
    return result;
  }

  private static Pod pod(Map<String, String> annotations, List<Volume> volumes, Container... containers) {
    return deploymentPod("shop", new LinkedHashMap<>(annotations)).editSpec().withContainers(containers)
        .withVolumes(volumes).endSpec().build();
  }

  /** As upstream's instrumentation-nginx test's: a ConfigMap's nginx.conf over the image's, and a library path. */
  private static Container nginx() {
    return new ContainerBuilder().withName("web").withImage("nginxinc/nginx-unprivileged:1.25.3")
        .withImagePullPolicy("Always")
        .withEnv(new EnvVar("LD_LIBRARY_PATH", "/opt", null))
        .addNewVolumeMount().withName("nginx-conf").withMountPath("/etc/nginx/nginx.conf").withSubPath("nginx.conf")
          .withReadOnly(true).endVolumeMount()
        .withNewSecurityContext().withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL")
          .endCapabilities().endSecurityContext()
        .build();
  }

  private static Volume nginxConf() {
    return new VolumeBuilder().withName("nginx-conf").withNewConfigMap().withName("nginx-conf").endConfigMap().build();
  }

  @Test
  void nginxGetsTheModuleThroughACopyOfItsConfigurationAndItsLibraryPath() {
    NginxSpec nginx = new NginxSpec();
    nginx.setAttrs(List.of(new EnvVar("NginxModuleOtelMaxQueueSize", "4096", null)));
    demo().getSpec().setNginx(nginx);
    PodMutator.Result result = mutate(pod(Map.of("instrumentation.opentelemetry.io/inject-nginx", "true"),
        List.of(nginxConf()), nginx()));

    assertThat(result.outcomes()).singleElement().satisfies(o -> assertThat(o.status()).isEqualTo(Status.INJECTED));
    Pod pod = result.pod();
    assertThat(pod.getSpec().getInitContainers()).extracting(Container::getName)
        .containsExactly("instrumentor-nginx-conf", "instrumentor-nginx-agent");
    Container web = Fixtures.container(pod, "web");
    assertThat(web.getVolumeMounts()).extracting(VolumeMount::getName, VolumeMount::getMountPath).containsExactly(
        org.assertj.core.groups.Tuple.tuple("instrumentor-nginx-agent", "/opt/opentelemetry-webserver/agent"),
        org.assertj.core.groups.Tuple.tuple("instrumentor-nginx-conf", "/etc/nginx"));
    assertThat(Fixtures.env(web)).containsEntry("LD_LIBRARY_PATH", "/opt:/opt/opentelemetry-webserver/agent/sdk_lib/lib")
        .containsEntry("OTEL_SERVICE_NAME", "shop")
        .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.observability:4317");

    Container clone = Fixtures.container(pod, "instrumentor-nginx-conf");
    assertThat(clone.getImage()).isEqualTo("nginxinc/nginx-unprivileged:1.25.3");
    assertThat(clone.getImagePullPolicy()).isEqualTo("Always");
    assertThat(clone.getCommand()).hasSize(5).startsWith("/bin/sh", "-c").endsWith("--", "/etc/nginx");
    assertThat(clone.getEnv()).as("the container's own, as it was").containsExactly(new EnvVar("LD_LIBRARY_PATH", "/opt", null));
    assertThat(clone.getSecurityContext()).isEqualTo(nginx().getSecurityContext());
    assertThat(clone.getVolumeMounts()).extracting(VolumeMount::getName, VolumeMount::getMountPath).containsExactly(
        org.assertj.core.groups.Tuple.tuple("nginx-conf", "/etc/nginx/nginx.conf"),
        org.assertj.core.groups.Tuple.tuple("instrumentor-nginx-conf", "/opt/opentelemetry-webserver/source-conf"));

    Container attach = Fixtures.container(pod, "instrumentor-nginx-agent");
    assertThat(attach.getImage()).isEqualTo("ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-apache-httpd:1.0.4");
    assertThat(attach.getCommand()).hasSize(5).endsWith("--", "nginx.conf");
    assertThat(attach.getEnv().get(0).getName()).isEqualTo("OTEL_NGINX_AGENT_CONF");
    assertThat(attach.getEnv().get(0).getValue()).isEqualTo("""
        NginxModuleEnabled ON;
        NginxModuleOtelExporterEndpoint http://collector.observability:4317;
        NginxModuleOtelMaxQueueSize 4096;
        NginxModuleOtelSpanExporter otlp;
        NginxModuleResolveBackends ON;
        NginxModuleServiceInstanceId <<SID-PLACEHOLDER>>;
        NginxModuleServiceName shop;
        NginxModuleServiceNamespace demo;
        NginxModuleTraceAsError ON;
        """);
    assertThat(attach.getEnv().get(1).getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
    assertThat(attach.getSecurityContext()).isEqualTo(nginx().getSecurityContext());
    assertThat(pod.getSpec().getVolumes()).extracting(Volume::getName)
        .containsExactly("nginx-conf", "instrumentor-nginx-agent", "instrumentor-nginx-conf");
  }

  @Test
  void apacheLoadsTheModuleOfItsVersionAndOnlyTheFirstContainerGetsIt() {
    ApacheHttpdSpec apache = new ApacheHttpdSpec();
    apache.setVersion("2.2");
    apache.setConfigPath("/etc/apache2/");
    demo().getSpec().setApacheHttpd(apache);
    Container httpd = new ContainerBuilder().withName("web").withImage("httpd:2.2").build();
    Container rabbit = new ContainerBuilder().withName("queue").withImage("rabbitmq:3").build();
    Pod pod = mutate(pod(Map.of("instrumentor.dev/inject-apache-httpd", "true",
        "instrumentor.dev/container-names", "web,queue"), List.of(), httpd, rabbit)).pod();

    Container clone = Fixtures.container(pod, "instrumentor-apache-httpd-conf");
    assertThat(clone.getCommand()).hasSize(5).startsWith("/bin/sh", "-c").endsWith("--", "/etc/apache2");
    assertThat(clone.getCommand().get(2)).contains("cp -r \"$1\"/. /opt/opentelemetry-webserver/source-conf");
    Container attach = Fixtures.container(pod, "instrumentor-apache-httpd-agent");
    assertThat(attach.getCommand()).endsWith("--", "/etc/apache2");
    String config = attach.getEnv().get(0).getValue();
    assertThat(config).startsWith("# the OpenTelemetry web server SDK\nLoadFile /opt/opentelemetry-webserver/agent/sdk_lib/lib/"
        + "libopentelemetry_common.so\n")
        .contains("LoadModule otel_apache_module /opt/opentelemetry-webserver/agent/WebServerModule/Apache/"
            + "libmod_apache_otel22.so\n")
        .contains("ApacheModuleServiceName shop\n").endsWith("ApacheModuleTraceAsError ON\n");
    assertThat(Fixtures.container(pod, "web").getVolumeMounts()).extracting(VolumeMount::getMountPath)
        .containsExactly("/opt/opentelemetry-webserver/agent", "/etc/apache2");
    Container queue = Fixtures.container(pod, "queue");
    assertThat(queue.getVolumeMounts()).as("the module goes into the first container only, as upstream's").isEmpty();
    assertThat(Fixtures.env(queue)).containsEntry("OTEL_SERVICE_NAME", "shop").doesNotContainKey("LD_LIBRARY_PATH");
  }

  @Test
  void anInitContainerTargetOrANameTakenIsSkippedWithTheReason() {
    demo();
    Pod taken = pod(Map.of("instrumentor.dev/inject-nginx", "true"),
        List.of(new VolumeBuilder().withName("instrumentor-nginx-conf").withNewEmptyDir().endEmptyDir().build()), nginx());
    PodMutator.Result result = mutate(taken);
    assertThat(result.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.status()).isEqualTo(Status.SKIPPED);
      assertThat(o.reason()).isEqualTo("the pod has a volume named instrumentor-nginx-conf that Instrumentor did not add:"
          + " rename it");
    });
    assertThat(result.pod().getSpec().getInitContainers()).isNullOrEmpty();
  }

  @Test
  void anAttrThatWouldBreakOrRewriteTheServersConfigurationIsRefusedByName() {
    NginxSpec nginx = new NginxSpec();
    nginx.setAttrs(List.of(new EnvVar("NginxModuleOtelMaxQueueSize", "4096;\nload_module /tmp/evil.so", null)));
    demo().getSpec().setNginx(nginx);
    PodMutator.Result result = mutate(pod(Map.of("instrumentor.dev/inject-nginx", "true"), List.of(), nginx()));
    assertThat(result.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.status()).isEqualTo(Status.SKIPPED);
      assertThat(o.reason()).startsWith("spec.nginx.attrs NginxModuleOtelMaxQueueSize: the value");
    });
    nginx.setAttrs(List.of(new EnvVar("NginxModuleTraceAsError", "", null)));
    assertThat(mutate(pod(Map.of("instrumentor.dev/inject-nginx", "true"), List.of(), nginx())).outcomes().get(0).reason())
        .isEqualTo("spec.nginx.attrs NginxModuleTraceAsError has no value: the server would refuse the directive and not"
            + " start");
  }

  @Test
  void everyMountUnderTheConfigurationDirectoryGivesWayToTheCopyAndNoOther() {
    demo().getSpec().setNginx(new NginxSpec());
    Container web = new ContainerBuilder(nginx())
        .addNewVolumeMount().withName("conf-d").withMountPath("/etc/nginx/conf.d").endVolumeMount()
        .addNewVolumeMount().withName("certs").withMountPath("/etc/nginx-certs").endVolumeMount()
        .build();
    Pod pod = mutate(pod(Map.of("instrumentor.dev/inject-nginx", "true"), List.of(nginxConf(),
        new VolumeBuilder().withName("conf-d").withNewEmptyDir().endEmptyDir().build(),
        new VolumeBuilder().withName("certs").withNewEmptyDir().endEmptyDir().build()), web)).pod();
    assertThat(Fixtures.container(pod, "web").getVolumeMounts()).extracting(VolumeMount::getMountPath)
        .containsExactly("/etc/nginx-certs", "/opt/opentelemetry-webserver/agent", "/etc/nginx");
    assertThat(Fixtures.container(pod, "instrumentor-nginx-conf").getVolumeMounts()).extracting(VolumeMount::getMountPath)
        .as("the clone sees them all").containsExactly("/etc/nginx/nginx.conf", "/etc/nginx/conf.d", "/etc/nginx-certs",
            "/opt/opentelemetry-webserver/source-conf");
  }

  @Test
  void theModulesInitContainerGetsAUserWhereTheServerIsNonRootByItsImage() {
    demo().getSpec().setNginx(new NginxSpec());
    Container web = new ContainerBuilder(nginx()).editSecurityContext().withRunAsNonRoot(true).endSecurityContext().build();
    Pod pod = mutate(pod(Map.of("instrumentor.dev/inject-nginx", "true"), List.of(nginxConf()), web)).pod();
    assertThat(Fixtures.container(pod, "instrumentor-nginx-conf").getSecurityContext().getRunAsUser())
        .as("the clone runs the server's image, as the server").isNull();
    assertThat(Fixtures.container(pod, "instrumentor-nginx-agent").getSecurityContext().getRunAsUser())
        .as("the module image runs as root, which runAsNonRoot refuses").isEqualTo(65532L);
  }

  @Test
  void whatTheModuleCannotTakeIsSaidAndAnEndpointOnOtlpHttpsPortIsACaveat() {
    Instrumentation demo = demo();
    demo.getSpec().getExporter().setEndpoint("http://collector.observability:4318");
    PodMutator.Result result = mutate(pod(Map.of("instrumentor.dev/inject-nginx", "true"), List.of(nginxConf()),
        nginx()));
    assertThat(result.outcomes().get(0).status()).isEqualTo(Status.INJECTED);
    assertThat(result.outcomes().get(0).caveat()).isTrue();
    assertThat(result.outcomes().get(0).reason()).contains("is on 4318, OTLP/HTTP's port, and the nginx module exports"
        + " OTLP/gRPC");
    NginxSpec root = new NginxSpec();
    root.setConfigFile("nginx.conf");
    demo.getSpec().setNginx(root);
    assertThat(mutate(pod(Map.of("instrumentor.dev/inject-nginx", "true"), List.of(nginxConf()), nginx())).outcomes()
        .get(0).reason()).startsWith("the configuration directory \"/\" is not an absolute path of a directory under /");
    demo.getSpec().setNginx(null);
    Pod named = pod(Map.of("instrumentor.dev/inject-nginx", "true", "resource.opentelemetry.io/service.name", "my shop"),
        List.of(nginxConf()), nginx());
    assertThat(mutate(named).outcomes().get(0).reason()).startsWith("the service name \"my shop\" has a space");
  }
}
