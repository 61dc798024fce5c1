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

/** An OpenTelemetry Collector run by Instrumentor, with its configuration, Services and status. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("TelemetryCollector")
@Singular("telemetrycollector")
@Plural("telemetrycollectors")
@ShortNames("tc")
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".spec.mode", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.scale.statusReplicas", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Image", jsonPath = ".status.image", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class TelemetryCollector extends CustomResource<TelemetryCollectorSpec, TelemetryCollectorStatus>
    implements Namespaced {

  @Override
  @Required
  public TelemetryCollectorSpec getSpec() {
    return super.getSpec();
  }
}
