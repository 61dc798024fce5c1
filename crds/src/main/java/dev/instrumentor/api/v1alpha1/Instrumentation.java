package dev.instrumentor.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Where and how the OpenTelemetry agents injected into annotated pods send telemetry. Field names
 * follow the OpenTelemetry Operator's {@code opentelemetry.io/v1alpha1 Instrumentation}.
 */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("Instrumentation")
@Singular("instrumentation")
@Plural("instrumentations")
@ShortNames("inst")
@AdditionalPrinterColumn(name = "Endpoint", jsonPath = ".spec.exporter.endpoint", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Sampler", jsonPath = ".spec.sampler.type", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Injected", jsonPath = ".status.injected", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Stale", jsonPath = ".status.stale", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Missed", jsonPath = ".status.missed", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Failing", jsonPath = ".status.failing", type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "RolledBack", jsonPath = ".status.rolledBack", type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "Unresolved", jsonPath = ".status.unresolved", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Instrumentation extends CustomResource<InstrumentationSpec, InstrumentationStatus>
    implements Namespaced {

  @Override
  @Required
  public InstrumentationSpec getSpec() {
    return super.getSpec();
  }
}
