package dev.instrumentor.webhook.agent;

import static dev.instrumentor.webhook.testing.Fixtures.deploymentPod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.instrumentor.api.v1alpha1.Defaults;
import dev.instrumentor.api.v1alpha1.ExporterProtocol;
import dev.instrumentor.api.v1alpha1.Extension;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.JavaSpec;
import dev.instrumentor.api.v1alpha1.Propagator;
import dev.instrumentor.api.v1alpha1.PullPolicy;
import dev.instrumentor.api.v1alpha1.Resource;
import dev.instrumentor.api.v1alpha1.Sampler;
import dev.instrumentor.api.v1alpha1.SamplerType;
import dev.instrumentor.api.v1alpha1.Tls;
import dev.instrumentor.webhook.mutation.AgentImages;
import dev.instrumentor.webhook.mutation.InjectionOutcome;
import dev.instrumentor.webhook.mutation.InjectionOutcome.Status;
import dev.instrumentor.webhook.mutation.PodMutator;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimTemplateBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the Java agent's injection adds: JAVA_TOOL_OPTIONS, extensions, the OTEL_* environment, the init container. */
class JavaInjectionTest extends InjectionTestBase {

  @Test
  void injectsTheAgentIntoTheFirstContainerOfADeploymentPod() {
    java();
    Pod pod = deploymentPod("checkout");

    PodMutator.Result result = mutate(pod);

    assertThat(result.changed()).isTrue();
    assertThat(result.outcomes()).containsExactly(
        InjectionOutcome.injected("java", "Java agent attached", "demo/java@1", List.of("app")));
    assertThat(result.warnings()).isEmpty();
    Pod mutated = result.pod();

    Volume volume = mutated.getSpec().getVolumes().get(0);
    assertThat(volume.getName()).isEqualTo("instrumentor-java-agent");
    assertThat(volume.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("200Mi"));

    Container init = mutated.getSpec().getInitContainers().get(0);
    assertThat(mutated.getSpec().getInitContainers()).hasSize(1);
    assertThat(init.getName()).isEqualTo("instrumentor-java-agent");
    assertThat(init.getImage()).isEqualTo(AgentImages.DEFAULT_JAVA);
    assertThat(init.getCommand()).containsExactly("cp", "/javaagent.jar", "/instrumentor/java/javaagent.jar");
    assertThat(init.getVolumeMounts()).singleElement().satisfies(m -> {
      assertThat(m.getName()).isEqualTo("instrumentor-java-agent");
      assertThat(m.getMountPath()).isEqualTo("/instrumentor/java");
      assertThat(m.getReadOnly()).isNull();
    });
    assertThat(init.getResources().getRequests()).containsExactly(
        entry("cpu", new Quantity("50m")), entry("memory", new Quantity("64Mi")));
    assertThat(init.getResources().getLimits()).containsExactly(
        entry("cpu", new Quantity("500m")), entry("memory", new Quantity("256Mi")));
    assertThat(init.getSecurityContext()).isEqualTo(new SecurityContextBuilder()
        .withRunAsNonRoot(true).withRunAsUser(65532L).withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true).withNewCapabilities().withDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build());
    assertThat(init.getImagePullPolicy()).isNull();

    Container app = container(mutated, "app");
    assertThat(app.getVolumeMounts()).singleElement().satisfies(m -> {
      assertThat(m.getName()).isEqualTo("instrumentor-java-agent");
      assertThat(m.getMountPath()).isEqualTo("/instrumentor/java");
      assertThat(m.getReadOnly()).isTrue();
    });
    assertThat(env(app)).containsExactly(
        entry("SPRING_PROFILES_ACTIVE", "prod"),
        entry("OTEL_NODE_IP", "fieldRef:status.hostIP"),
        entry("OTEL_POD_IP", "fieldRef:status.podIP"),
        entry("OTEL_SERVICE_NAME", "checkout"),
        entry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.observability:4317"),
        entry("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        entry("OTEL_RESOURCE_ATTRIBUTES_POD_NAME", "fieldRef:metadata.name"),
        entry("OTEL_RESOURCE_ATTRIBUTES_NODE_NAME", "fieldRef:spec.nodeName"),
        entry("JAVA_TOOL_OPTIONS", "-javaagent:/instrumentor/java/javaagent.jar"),
        entry("OTEL_RESOURCE_ATTRIBUTES", "k8s.namespace.name=demo,"
            + "k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME),k8s.node.name=$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME),"
            + "k8s.container.name=app,k8s.deployment.name=checkout,k8s.replicaset.name=checkout-7d4b9c8f6d,"
            + "service.namespace=demo,service.instance.id=demo.$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME).app,"
            + "service.version=1.4.2"));

    assertThat(mutated.getMetadata().getAnnotations()).containsEntry("instrumentor.dev/injection-status",
        "{\"java\":{\"status\":\"injected\",\"reason\":\"Java agent attached\","
            + "\"instrumentation\":\"demo/java@1\",\"containers\":[\"app\"]}}");
  }

  @Test
  void javaContainerNamesWinsOverContainerNames() {
    java();
    Pod pod = twoContainerPod(Map.of(INJECT, "true", "instrumentor.dev/container-names", "app",
        "instrumentor.dev/java-container-names", "worker"));
    assertThat(mutate(pod).outcomes().get(0).containers()).containsExactly("worker");
  }

  @Test
  void agentIsAppendedToAPlainJavaToolOptions() {
    java();
    PodMutator.Result result = mutate(podWithEnv(new EnvVar("JAVA_TOOL_OPTIONS", "-Xmx512m -XX:+UseG1GC", null)));
    List<EnvVar> env = container(result.pod(), "app").getEnv();
    assertThat(env.get(0)).isEqualTo(
        new EnvVar("JAVA_TOOL_OPTIONS", "-Xmx512m -XX:+UseG1GC -javaagent:/instrumentor/java/javaagent.jar", null));
  }

  @Test
  void javaToolOptionsFromValueFromMovesToAHelperDefinedFirst() {
    java();
    EnvVar fromConfigMap = new EnvVarBuilder().withName("JAVA_TOOL_OPTIONS")
        .withNewValueFrom().withNewConfigMapKeyRef("jvm-options", "jvm", false).endValueFrom().build();

    PodMutator.Result result = mutate(podWithEnv(new EnvVar("A", "1", null), fromConfigMap));

    List<EnvVar> env = container(result.pod(), "app").getEnv();
    assertThat(env.subList(0, 3)).containsExactly(
        new EnvVar("A", "1", null),
        new EnvVarBuilder().withName("INSTRUMENTOR_ORIGINAL_JAVA_TOOL_OPTIONS").withValueFrom(fromConfigMap.getValueFrom()).build(),
        new EnvVar("JAVA_TOOL_OPTIONS", "$(INSTRUMENTOR_ORIGINAL_JAVA_TOOL_OPTIONS) -javaagent:/instrumentor/java/javaagent.jar", null));
  }

  @Test
  void javaToolOptionsFromTheInstrumentationGetsTheAgentToo() {
    java().getSpec().setEnv(List.of(new EnvVar("JAVA_TOOL_OPTIONS", "-Dfrom=spec", null)));
    JavaSpec javaSpec = new JavaSpec();
    javaSpec.setEnv(List.of(new EnvVar("JAVA_TOOL_OPTIONS", "-Dfrom=java", null)));
    instrumentations.get(0).getSpec().setJava(javaSpec);

    assertThat(env(container(mutate(deploymentPod("checkout")).pod(), "app")))
        .containsEntry("JAVA_TOOL_OPTIONS", "-Dfrom=java -javaagent:/instrumentor/java/javaagent.jar");
  }

  @Test
  void extensionsAreCopiedAndPassedToTheAgent() {
    JavaSpec javaSpec = new JavaSpec();
    Extension extension = new Extension();
    extension.setImage("registry.example.com/otel-ext:1.0");
    extension.setDir("/extensions");
    javaSpec.setExtensions(List.of(extension));
    java().getSpec().setJava(javaSpec);

    Pod mutated = mutate(deploymentPod("checkout")).pod();

    Container copy = mutated.getSpec().getInitContainers().get(1);
    assertThat(copy.getName()).isEqualTo("instrumentor-java-agent-extension-0");
    assertThat(copy.getImage()).isEqualTo("registry.example.com/otel-ext:1.0");
    assertThat(copy.getCommand()).containsExactly("cp", "-r", "/extensions/.", "/instrumentor/java/extensions");
    assertThat(env(container(mutated, "app"))).containsEntry("JAVA_TOOL_OPTIONS",
        "-javaagent:/instrumentor/java/javaagent.jar -Dotel.javaagent.extensions=/instrumentor/java/extensions");
  }

  // ---- precedence

  @Test
  void containerEnvWinsOverJavaEnvOverSpecEnvOverGenerated() {
    Instrumentation java = java();
    java.getSpec().setEnv(List.of(
        new EnvVar("OTEL_SERVICE_NAME", "from-spec", null),
        new EnvVar("OTEL_EXPORTER_OTLP_ENDPOINT", "http://from-spec:4318", null),
        new EnvVar("OTEL_METRICS_EXPORTER", "none", null),
        new EnvVar("ONLY_SPEC", "s", null)));
    JavaSpec javaSpec = new JavaSpec();
    javaSpec.setEnv(List.of(
        new EnvVar("OTEL_SERVICE_NAME", "from-java", null),
        new EnvVar("OTEL_METRICS_EXPORTER", "otlp", null)));
    java.getSpec().setJava(javaSpec);

    Map<String, String> env = env(container(mutate(podWithEnv(new EnvVar("OTEL_SERVICE_NAME", "mine", null))).pod(), "app"));

    assertThat(env).containsEntry("OTEL_SERVICE_NAME", "mine")
        .containsEntry("OTEL_METRICS_EXPORTER", "otlp")
        .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://from-spec:4318")
        .containsEntry("ONLY_SPEC", "s");
    assertThat(new ArrayList<>(env.keySet()).indexOf("OTEL_SERVICE_NAME")).isZero();
  }

  @Test
  void samplerIsGeneratedOnlyWhenTheUserSetNeitherVariable() {
    Sampler sampler = new Sampler();
    sampler.setType(SamplerType.PARENTBASED_TRACEIDRATIO);
    sampler.setArgument("0.25");
    java().getSpec().setSampler(sampler);

    assertThat(env(container(mutate(deploymentPod("checkout")).pod(), "app")))
        .containsEntry("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
        .containsEntry("OTEL_TRACES_SAMPLER_ARG", "0.25");
    Map<String, String> userSampler = env(container(mutate(podWithEnv(
        new EnvVar("OTEL_TRACES_SAMPLER", "always_on", null))).pod(), "app"));
    assertThat(userSampler).containsEntry("OTEL_TRACES_SAMPLER", "always_on").doesNotContainKey("OTEL_TRACES_SAMPLER_ARG");
    Map<String, String> userArg = env(container(mutate(podWithEnv(
        new EnvVar("OTEL_TRACES_SAMPLER_ARG", "1", null))).pod(), "app"));
    assertThat(userArg).containsEntry("OTEL_TRACES_SAMPLER_ARG", "1").doesNotContainKey("OTEL_TRACES_SAMPLER");
  }

  @Test
  void propagatorsInOrder() {
    java().getSpec().setPropagators(List.of(Propagator.TRACECONTEXT, Propagator.BAGGAGE, Propagator.B3MULTI));
    assertThat(env(container(mutate(deploymentPod("checkout")).pod(), "app")))
        .containsEntry("OTEL_PROPAGATORS", "tracecontext,baggage,b3multi");
  }

  @ParameterizedTest
  @CsvSource({
      "http://collector:4317, , grpc",
      "https://collector.example.com:4317/, , grpc",
      "http://collector:4318, , http/protobuf",
      "https://otlp.example.com, , http/protobuf",
      "http://collector:4317, http/protobuf, http/protobuf",
      "http://collector:9999, grpc, grpc",
      "http://user@collector:4317/v1, , grpc",
      "http://[fd00::1]:4317, , grpc",
      "http://[fd00::4317], , http/protobuf",
      "collector:4317, , grpc",
      "http://collector/path:4317, , http/protobuf",
  })
  void protocolFromTheSpecOrTheEndpointPort(String endpoint, String protocol, String expected) {
    Instrumentation java = java();
    java.getSpec().getExporter().setEndpoint(endpoint);
    if (protocol != null) {
      java.getSpec().getExporter().setProtocol(ExporterProtocol.fromValue(protocol));
    }
    assertThat(env(container(mutate(deploymentPod("checkout")).pod(), "app")))
        .containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", expected);
  }

  @Test
  void noEndpointMeansNoExporterVariables() {
    java().getSpec().setExporter(null);
    assertThat(env(container(mutate(deploymentPod("checkout")).pod(), "app")))
        .doesNotContainKeys("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL");
  }

  @Test
  void tlsSecretAndConfigMapAreMountedAndNamedInVariables() {
    Tls tls = new Tls();
    tls.setSecretName("otel-client");
    tls.setConfigMapName("otel-ca");
    tls.setCaFile("ca.crt");
    tls.setCertFile("tls.crt");
    tls.setKeyFile("/etc/custom/tls.key");
    java().getSpec().getExporter().setTls(tls);

    Pod mutated = mutate(deploymentPod("checkout")).pod();

    assertThat(mutated.getSpec().getVolumes()).extracting(Volume::getName)
        .containsExactly("instrumentor-java-agent", "instrumentor-otlp-tls-secret", "instrumentor-otlp-tls-ca");
    assertThat(mutated.getSpec().getVolumes().get(1).getSecret().getSecretName()).isEqualTo("otel-client");
    assertThat(mutated.getSpec().getVolumes().get(2).getConfigMap().getName()).isEqualTo("otel-ca");
    assertThat(container(mutated, "app").getVolumeMounts()).extracting(VolumeMount::getMountPath, VolumeMount::getReadOnly)
        .containsExactly(Tuple.tuple("/instrumentor/java", true),
            Tuple.tuple("/instrumentor/tls/secret", true),
            Tuple.tuple("/instrumentor/tls/ca", true));
    assertThat(env(container(mutated, "app")))
        .containsEntry("OTEL_EXPORTER_OTLP_CERTIFICATE", "/instrumentor/tls/ca/ca.crt")
        .containsEntry("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "/instrumentor/tls/secret/tls.crt")
        .containsEntry("OTEL_EXPORTER_OTLP_CLIENT_KEY", "/etc/custom/tls.key");
  }

  // ---- resource attributes and service name

  @Test
  void resourceAttributesMergeWithUserKeysWinningAndNoKeyTwice() {
    Instrumentation java = java();
    Resource resource = new Resource();
    resource.setResourceAttributes(new LinkedHashMap<>(Map.of("deployment.environment.name", "prod", "team", "a, b")));
    resource.setAddK8sUIDAttributes(true);
    java.getSpec().setResource(resource);
    Pod pod = deploymentPod("checkout", Map.of(INJECT, "true", "resource.opentelemetry.io/team", "payments"))
        .editSpec().editFirstContainer().withEnv(
            new EnvVar("OTEL_RESOURCE_ATTRIBUTES", "service.version=2.0.0-rc1,k8s.container.name=main", null))
        .endContainer().endSpec().build();

    Map<String, String> env = env(container(mutate(pod).pod(), "app"));

    assertThat(env.get("OTEL_RESOURCE_ATTRIBUTES")).isEqualTo("k8s.namespace.name=demo,"
        + "k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME),k8s.node.name=$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME),"
        + "k8s.container.name=main,k8s.pod.uid=$(OTEL_RESOURCE_ATTRIBUTES_POD_UID),k8s.deployment.name=checkout,"
        + "k8s.replicaset.name=checkout-7d4b9c8f6d,k8s.replicaset.uid=6f9a2c1e-0000-4000-8000-000000000001,"
        + "service.namespace=demo,service.instance.id=demo.$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME).app,"
        + "service.version=2.0.0-rc1,deployment.environment.name=prod,team=payments");
    assertThat(env).containsEntry("OTEL_RESOURCE_ATTRIBUTES_POD_UID", "fieldRef:metadata.uid");
    // the container's own OTEL_RESOURCE_ATTRIBUTES is rewritten where it was
    assertThat(container(mutate(pod).pod(), "app").getEnv().get(0).getName()).isNotEqualTo("OTEL_RESOURCE_ATTRIBUTES");
  }

  @Test
  void literalAttributeValuesAreEncoded() {
    Resource resource = new Resource();
    resource.setResourceAttributes(Map.of("owner", "team a,b=c%"));
    java().getSpec().setResource(resource);
    assertThat(env(container(mutate(deploymentPod("checkout")).pod(), "app")).get("OTEL_RESOURCE_ATTRIBUTES"))
        .endsWith(",owner=team%20a%2Cb%3Dc%25");
  }

  @Test
  void resourceAttributesFromValueFromAreKeptThroughAHelperListedLast() {
    java();
    EnvVar fromSecret = new EnvVarBuilder().withName("OTEL_RESOURCE_ATTRIBUTES")
        .withNewValueFrom().withNewSecretKeyRef("attrs", "otel-attrs", false).endValueFrom().build();

    Map<String, String> env = env(container(mutate(podWithEnv(fromSecret)).pod(), "app"));

    assertThat(env).containsEntry("INSTRUMENTOR_CONTAINER_OTEL_RESOURCE_ATTRIBUTES", "valueFrom");
    assertThat(env.get("OTEL_RESOURCE_ATTRIBUTES")).startsWith("k8s.namespace.name=demo,")
        .endsWith(",$(INSTRUMENTOR_CONTAINER_OTEL_RESOURCE_ATTRIBUTES)");
  }

  @Test
  void serviceNameFromAnnotationThenLabelsThenOwnerThenPodThenContainer() {
    Instrumentation java = java();
    Pod annotated = deploymentPod("checkout", Map.of(INJECT, "true", "resource.opentelemetry.io/service.name", "shop"))
        .editMetadata().addToLabels("app.kubernetes.io/name", "labelled").endMetadata().build();
    assertThat(env(container(mutate(annotated).pod(), "app"))).containsEntry("OTEL_SERVICE_NAME", "shop");

    Pod labelled = deploymentPod("checkout", Map.of(INJECT, "true"))
        .editMetadata().addToLabels("app.kubernetes.io/name", "labelled").endMetadata().build();
    assertThat(env(container(mutate(labelled).pod(), "app"))).containsEntry("OTEL_SERVICE_NAME", "checkout");
    Defaults defaults = new Defaults();
    defaults.setUseLabelsForResourceAttributes(true);
    java.getSpec().setDefaults(defaults);
    assertThat(env(container(mutate(labelled).pod(), "app"))).containsEntry("OTEL_SERVICE_NAME", "labelled");

    Pod bare = new PodBuilder().withNewMetadata().withName("debug-pod").withNamespace("demo")
        .addToAnnotations(INJECT, "true").endMetadata()
        .withNewSpec().addNewContainer().withName("jshell").withImage("eclipse-temurin:21").endContainer().endSpec().build();
    assertThat(env(container(mutate(bare).pod(), "jshell"))).containsEntry("OTEL_SERVICE_NAME", "debug-pod");

    Pod nameless = new PodBuilder(bare).editMetadata().withName(null).withGenerateName("x-").endMetadata().build();
    assertThat(env(container(mutate(nameless).pod(), "jshell"))).containsEntry("OTEL_SERVICE_NAME", "jshell");
  }

  @Test
  void aServiceNameAttributeSetByTheUserIsNotOverriddenByAGeneratedServiceName() {
    Resource resource = new Resource();
    resource.setResourceAttributes(Map.of("service.name", "billing"));
    java().getSpec().setResource(resource);
    Map<String, String> env = env(container(mutate(deploymentPod("checkout")).pod(), "app"));
    assertThat(env).doesNotContainKey("OTEL_SERVICE_NAME");
    assertThat(env.get("OTEL_RESOURCE_ATTRIBUTES")).contains("service.name=billing");
  }

  @Test
  void labelsGiveTheVersionWhenEnabledAndServiceNamespaceFollowsTheSemanticConventions() {
    Defaults defaults = new Defaults();
    defaults.setUseLabelsForResourceAttributes(true);
    java().getSpec().setDefaults(defaults);
    Pod pod = deploymentPod("checkout", Map.of(INJECT, "true")).editMetadata()
        .addToLabels("app.kubernetes.io/version", "3.1.0").addToLabels("app.kubernetes.io/part-of", "shop").endMetadata().build();
    // part-of is not service.namespace: the conventions say the annotation, else the Kubernetes namespace
    assertThat(env(container(mutate(pod).pod(), "app")).get("OTEL_RESOURCE_ATTRIBUTES"))
        .contains("service.namespace=demo", "service.version=3.1.0");
    Pod annotated = deploymentPod("checkout", Map.of(INJECT, "true", "resource.opentelemetry.io/service.namespace", "shop")).build();
    assertThat(env(container(mutate(annotated).pod(), "app")).get("OTEL_RESOURCE_ATTRIBUTES"))
        .contains("service.namespace=shop").doesNotContain("service.namespace=demo");
  }

  @ParameterizedTest
  @CsvSource({
      "registry.example.com/app:1.2.3, 1.2.3",
      "registry.example.com:5000/app:2.0, 2.0",
      "registry.example.com:5000/app, ",
      "app@sha256:abcd, sha256:abcd",
      "app:7@sha256:abcd, 7@sha256:abcd",
      "registry.example.com:5000/app@sha256:abcd, sha256:abcd",
  })
  void serviceVersionIsTheImageTagAndDigest(String image, String version) {
    assertThat(OtelEnvironment.imageVersion(image)).isEqualTo(version);
  }

  // ---- the exporter endpoint a user overrides, node-local collectors

  @ParameterizedTest
  @CsvSource({
      // where the user's endpoint is set, its port decides the protocol
      "CONTAINER, http://collector:4318, http/protobuf",
      "LANGUAGE, http://collector:4318, http/protobuf",
      "SPEC, http://collector:4318, http/protobuf",
      "CONTAINER, http://collector:4317, grpc",
      "CONTAINER, http://collector:9000, http/protobuf",
  })
  void theProtocolFollowsTheEndpointThatWins(String layer, String endpoint, String protocol) {
    Instrumentation java = java(); // its endpoint is :4317, hence grpc
    EnvVar userEndpoint = new EnvVar("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, null);
    Pod pod = deploymentPod("checkout");
    switch (layer) {
      case "CONTAINER" -> pod = podWith(new ContainerBuilder()
          .withName("app").withImage("shop/checkout:1").withEnv(userEndpoint).build());
      case "LANGUAGE" -> {
        JavaSpec javaSpec = new JavaSpec();
        javaSpec.setEnv(List.of(userEndpoint));
        java.getSpec().setJava(javaSpec);
      }
      default -> java.getSpec().setEnv(List.of(userEndpoint));
    }
    Map<String, String> env = env(container(mutate(pod).pod(), "app"));
    assertThat(env).containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint).containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", protocol);
  }

  @Test
  void aProtocolTheUserSetWinsAndAnEndpointFromASecretLeavesTheProtocolToTheAgent() {
    java();
    Pod both = podWith(new ContainerBuilder().withName("app")
        .withImage("shop/checkout:1").withEnv(new EnvVar("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318", null),
            new EnvVar("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", null)).build());
    assertThat(env(container(mutate(both).pod(), "app"))).containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json");

    Pod fromSecret = podWith(new ContainerBuilder().withName("app")
        .withImage("shop/checkout:1").withEnv(new EnvVarBuilder().withName("OTEL_EXPORTER_OTLP_ENDPOINT")
            .withNewValueFrom().withNewSecretKeyRef("endpoint", "otlp", false).endValueFrom().build()).build());
    assertThat(env(container(mutate(fromSecret).pod(), "app"))).doesNotContainKey("OTEL_EXPORTER_OTLP_PROTOCOL");
  }

  @Test
  void nodeAndPodIpsAreDefinedBeforeAnEndpointThatUsesThem() {
    Instrumentation java = java();
    java.getSpec().getExporter().setEndpoint("http://$(OTEL_NODE_IP):4318");
    Container app = container(mutate(deploymentPod("checkout")).pod(), "app");
    List<String> names = app.getEnv().stream().map(EnvVar::getName).toList();
    assertThat(app.getEnv()).anySatisfy(var -> {
      assertThat(var.getName()).isEqualTo("OTEL_NODE_IP");
      assertThat(var.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.hostIP");
    }).anySatisfy(var -> {
      assertThat(var.getName()).isEqualTo("OTEL_POD_IP");
      assertThat(var.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
    });
    assertThat(names.indexOf("OTEL_NODE_IP")).isLessThan(names.indexOf("OTEL_EXPORTER_OTLP_ENDPOINT"));
    assertThat(env(app)).containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
  }

  // ---- the user's own variables

  @Test
  void theUsersForwardReferencesStayLiteralAndTheirOrderIsKept() {
    java();
    // Kubernetes leaves $(WHO) literal in GREETING: WHO is declared after it
    Pod pod = podWith(new ContainerBuilder().withName("app")
        .withImage("shop/checkout:1").withEnv(new EnvVar("GREETING", "hello $(WHO)", null), new EnvVar("WHO", "world", null),
            new EnvVar("SERVICE_LABEL", "svc-$(OTEL_SERVICE_NAME)", null)).build());
    List<String> names = container(mutate(pod).pod(), "app").getEnv().stream().map(EnvVar::getName).toList();
    assertThat(names.indexOf("GREETING")).isLessThan(names.indexOf("WHO"));
    assertThat(names.indexOf("WHO")).isLessThan(names.indexOf("SERVICE_LABEL"));
    // an injected variable the user refers to moves before the use
    assertThat(names.indexOf("OTEL_SERVICE_NAME")).isLessThan(names.indexOf("SERVICE_LABEL"));
  }

  @Test
  void anInjectedVariableWaitsForTheUsersVariableItReferences() {
    Instrumentation java = java();
    java.getSpec().getExporter().setEndpoint("http://$(COLLECTOR_HOST):4318");
    Pod pod = podWith(new ContainerBuilder().withName("app")
        .withImage("shop/checkout:1").withEnv(new EnvVar("A", "1", null), new EnvVar("COLLECTOR_HOST", "gateway", null))
        .build());
    List<String> names = container(mutate(pod).pod(), "app").getEnv().stream().map(EnvVar::getName).toList();
    assertThat(names.subList(0, 2)).containsExactly("A", "COLLECTOR_HOST");
    assertThat(names.indexOf("OTEL_EXPORTER_OTLP_ENDPOINT")).isGreaterThan(names.indexOf("COLLECTOR_HOST"));
  }

  // ---- resource attribute values

  @Test
  void attributeValuesArePercentEncodedOutsideBaggageOctetsAndTheirDollarsEscaped() {
    Instrumentation java = java();
    Resource resource = new Resource();
    resource.setResourceAttributes(Map.of("team.name", "Zürich ops, 1st", "cost.center", "$(HOME)-42"));
    java.getSpec().setResource(resource);
    String attributes = env(container(mutate(deploymentPod("checkout")).pod(), "app")).get("OTEL_RESOURCE_ATTRIBUTES");
    assertThat(attributes).contains("team.name=Z%C3%BCrich%20ops%2C%201st", "cost.center=$$(HOME)-42");
    assertThat(ResourceAttributes.encode("\uD83D\uDE80")).isEqualTo("%F0%9F%9A%80"); // outside the BMP: one code point
    assertThat(ResourceAttributes.encode("plain-value_1.2/x")).isEqualTo("plain-value_1.2/x");
  }

  // ---- what users should know about an injection that went through

  @Test
  void variablesFromEnvFromThatInjectedOnesShadowAreReportedAndWarnedAbout() {
    java();
    Pod pod = podWith(new ContainerBuilder().withName("app").withImage("shop/checkout:1")
        .addNewEnvFrom().withNewConfigMapRef("jvm", false).endEnvFrom()
        .addNewEnvFrom().withNewSecretRef("otlp", true).endEnvFrom().build());
    PodMutator.Result result = mutate(pod);
    assertThat(result.outcomes()).singleElement().satisfies(outcome -> {
      assertThat(outcome.status()).isEqualTo(Status.INJECTED);
      assertThat(outcome.reason()).contains("container app takes variables from envFrom (ConfigMap jvm, Secret otlp)",
          "JAVA_TOOL_OPTIONS, OTEL_*", "overridden");
    });
    assertThat(result.warnings()).singleElement().asString().contains("java injected", "envFrom");
    assertThat(result.pod().getMetadata().getAnnotations().get("instrumentor.dev/injection-status"))
        .contains("envFrom (ConfigMap jvm, Secret otlp)");
  }

  @Test
  void theInitContainerRunsAsTheTargetContainersUser() {
    java();
    Pod pod = podWith(new ContainerBuilder().withName("app").withImage("shop/checkout:1")
        .withNewSecurityContext().withRunAsUser(1001L).endSecurityContext().build());
    Container init = mutate(pod).pod().getSpec().getInitContainers().get(0);
    assertThat(init.getSecurityContext().getRunAsUser()).isEqualTo(1001L);
    assertThat(init.getSecurityContext().getRunAsNonRoot()).isTrue();
    // a second pod of the same Instrumentation gets the shared default again: the copy did not leak
    assertThat(mutate(deploymentPod("checkout")).pod().getSpec().getInitContainers().get(0).getSecurityContext()
        .getRunAsUser()).isEqualTo(65532L);
  }

  @Test
  void anAgentVolumeFromAClaimTemplateWithoutFsGroupIsACaveat() {
    JavaSpec javaSpec = new JavaSpec();
    javaSpec.setVolumeClaimTemplate(new PersistentVolumeClaimTemplateBuilder().withNewSpec()
        .withAccessModes("ReadWriteOnce").endSpec().build());
    java().getSpec().setJava(javaSpec);
    PodMutator.Result result = mutate(deploymentPod("checkout"));
    assertThat(result.outcomes().get(0).reason()).contains("no securityContext.fsGroup");
    Pod withGroup = new PodBuilder(deploymentPod("checkout")).editSpec().withNewSecurityContext().withFsGroup(2000L)
        .endSecurityContext().endSpec().build();
    assertThat(mutate(withGroup).outcomes().get(0).reason()).isEqualTo("Java agent attached");
  }

  // ---- init container settings

  @Test
  void initContainerUsesThePodUserWhenItIsNonRoot() {
    java();
    Pod pod = deploymentPod("checkout", Map.of(INJECT, "true"))
        .editSpec().withNewSecurityContext().withRunAsUser(1000L).endSecurityContext().endSpec().build();
    Container init = mutate(pod).pod().getSpec().getInitContainers().get(0);
    assertThat(init.getSecurityContext().getRunAsUser()).isNull();
    assertThat(init.getSecurityContext().getRunAsNonRoot()).isTrue();

    Pod root = deploymentPod("checkout", Map.of(INJECT, "true"))
        .editSpec().withNewSecurityContext().withRunAsUser(0L).endSecurityContext().endSpec().build();
    assertThat(mutate(root).pod().getSpec().getInitContainers().get(0).getSecurityContext().getRunAsUser()).isEqualTo(65532L);
  }

  @Test
  void initContainerSettingsFromTheSpec() {
    Instrumentation java = java();
    java.getSpec().setImagePullPolicy(PullPolicy.IF_NOT_PRESENT);
    java.getSpec().setInitContainerSecurityContext(new SecurityContextBuilder().withRunAsUser(1234L).build());
    JavaSpec javaSpec = new JavaSpec();
    javaSpec.setImage("registry.example.com/agents/java:2.9");
    javaSpec.setResources(new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("128Mi")).build());
    javaSpec.setVolumeLimitSize("300Mi");
    java.getSpec().setJava(javaSpec);

    Pod mutated = mutate(deploymentPod("checkout")).pod();

    Container init = mutated.getSpec().getInitContainers().get(0);
    assertThat(init.getImage()).isEqualTo("registry.example.com/agents/java:2.9");
    assertThat(init.getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(init.getSecurityContext()).isEqualTo(new SecurityContextBuilder().withRunAsUser(1234L).build());
    // the missing half comes from the defaults, never contradicting what was given
    assertThat(init.getResources().getLimits()).containsOnly(entry("memory", new Quantity("128Mi")),
        entry("cpu", new Quantity("500m")));
    assertThat(init.getResources().getRequests()).containsOnly(entry("memory", new Quantity("64Mi")),
        entry("cpu", new Quantity("50m")));
    assertThat(mutated.getSpec().getVolumes().get(0).getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("300Mi"));
  }

  @Test
  void requestsAloneGetLimitsSoThatAQuotaOnLimitsAdmitsThePod() {
    JavaSpec javaSpec = new JavaSpec();
    javaSpec.setResources(new ResourceRequirementsBuilder().addToRequests("memory", new Quantity("512Mi"))
        .addToRequests("cpu", new Quantity("10m")).build());
    java().getSpec().setJava(javaSpec);
    Container init = mutate(deploymentPod("checkout")).pod().getSpec().getInitContainers().get(0);
    // memory: the default limit (256Mi) is below the request, so the request is the limit; cpu: the default
    assertThat(init.getResources().getLimits()).containsOnly(entry("memory", new Quantity("512Mi")),
        entry("cpu", new Quantity("500m")));
    assertThat(init.getResources().getRequests()).containsOnly(entry("memory", new Quantity("512Mi")),
        entry("cpu", new Quantity("10m")));
  }

  @Test
  void volumeClaimTemplateGivesAnEphemeralVolume() {
    JavaSpec javaSpec = new JavaSpec();
    javaSpec.setVolumeClaimTemplate(new PersistentVolumeClaimTemplateBuilder().withNewSpec()
        .withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources()
        .endSpec().build());
    java().getSpec().setJava(javaSpec);

    Volume volume = mutate(deploymentPod("checkout")).pod().getSpec().getVolumes().get(0);

    assertThat(volume.getEmptyDir()).isNull();
    assertThat(volume.getEphemeral().getVolumeClaimTemplate()).isEqualTo(javaSpec.getVolumeClaimTemplate());
  }

  @Test
  void theContainersOwnEnvKeepsItsPlaceAndOrder() {
    java();
    Pod pod = podWithEnv(new EnvVar("B", "2", null), new EnvVar("A", "$(B)", null));
    List<String> names = container(mutate(pod).pod(), "app").getEnv().stream().map(EnvVar::getName).toList();
    assertThat(names.subList(0, 2)).containsExactly("B", "A");
  }

  @Test
  void anEscapedReferenceIsNotAReference() {
    java();
    // $$(OTEL_SERVICE_NAME) is the literal text $(OTEL_SERVICE_NAME): nothing to order
    Pod pod = podWithEnv(new EnvVar("LITERAL", "$$(OTEL_SERVICE_NAME)", null), new EnvVar("B", "2", null),
        new EnvVar("A", "$(B) $(UNKNOWN", null));
    List<String> names = container(mutate(pod).pod(), "app").getEnv().stream().map(EnvVar::getName).toList();
    assertThat(names.subList(0, 3)).containsExactly("LITERAL", "B", "A");
  }

  @Test
  void aUserVariableReferringToAGeneratedOneIsMovedAfterIt() {
    java();
    Pod pod = podWithEnv(new EnvVar("APP_NAME", "$(OTEL_SERVICE_NAME)-x", null));
    List<String> names = container(mutate(pod).pod(), "app").getEnv().stream().map(EnvVar::getName).toList();
    assertThat(names.indexOf("APP_NAME")).isGreaterThan(names.indexOf("OTEL_SERVICE_NAME"));
  }
}
