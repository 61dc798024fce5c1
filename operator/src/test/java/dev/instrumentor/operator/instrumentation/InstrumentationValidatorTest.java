package dev.instrumentor.operator.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.InstrumentationSelector;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.api.v1alpha1.Sampler;
import dev.instrumentor.api.v1alpha1.SamplerType;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InstrumentationValidatorTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http://collector.observability:4317 |",
      "https://collector:4318/ |",
      // Kubernetes expands the reference in the pod: a node-local collector
      "http://$(OTEL_NODE_IP):4318 |",
      "http://$(COLLECTOR_HOST):$(COLLECTOR_PORT) |",
      "http://collector:99999 | above 65535",
      "grpc://collector:4317 | write http:// (or https://) and set spec.exporter.protocol: grpc",
      "ftp://collector:4317 | must start with http:// or https://",
      "http://:4317 | has no host",
  })
  void endpoints(String endpoint, String problem) {
    String found = InstrumentationValidator.endpointProblem(endpoint);
    if (problem == null) {
      assertThat(found).isNull();
    } else {
      assertThat(found).contains(problem);
    }
  }

  @Test
  void aNamespaceSelectorIsHonouredOnlyInTheAllowedNamespaces() {
    Instrumentation instrumentation = new Instrumentation();
    instrumentation.getMetadata().setNamespace("tenant");
    instrumentation.getMetadata().setName("wide");
    InstrumentationSpec spec = new InstrumentationSpec();
    InstrumentationSelector selector = new InstrumentationSelector();
    selector.setPodSelector(new LabelSelector());
    spec.setSelector(selector);
    instrumentation.setSpec(spec);
    InstrumentationValidator validator = new InstrumentationValidator((ns, name) -> true, Set.of("instrumentor"));
    assertThat(validator.selectorProblem(instrumentation)).as("a podSelector alone: its own namespace").isNull();
    selector.setNamespaceSelector(new LabelSelector());
    assertThat(validator.selectorProblem(instrumentation)).isEqualTo("spec.selector.namespaceSelector is honoured only"
        + " for Instrumentations in instrumentor (the chart's selectorNamespaces), not in tenant: this selector chooses"
        + " no pod; use podSelector alone for pods of tenant");
    assertThat(new InstrumentationValidator((ns, name) -> true, Set.of("*")).selectorProblem(instrumentation)).isNull();
    assertThat(new InstrumentationValidator((ns, name) -> true, Set.of("tenant")).selectorProblem(instrumentation)).isNull();
  }

  @Test
  void aParentBasedJaegerRemoteArgumentIsCheckedAsJaegerRemotes() {
    Instrumentation instrumentation = new Instrumentation();
    instrumentation.getMetadata().setNamespace("apps");
    instrumentation.setSpec(new InstrumentationSpec());
    Sampler sampler = new Sampler();
    sampler.setType(SamplerType.PARENTBASED_JAEGER_REMOTE);
    sampler.setArgument("endpoint=http://jaeger:14250,pollingIntervalMs=soon");
    instrumentation.getSpec().setSampler(sampler);
    InstrumentationValidator.Verdict verdict = new InstrumentationValidator((namespace, name) -> true)
        .validate(instrumentation);
    assertThat(verdict.valid()).isFalse();
    assertThat(verdict.reason()).isEqualTo("InvalidSampler");
    sampler.setArgument("endpoint=http://jaeger:14250,pollingIntervalMs=5000,initialSamplingRate=0.25");
    assertThat(new InstrumentationValidator((namespace, name) -> true).validate(instrumentation).valid()).isTrue();
  }
}
