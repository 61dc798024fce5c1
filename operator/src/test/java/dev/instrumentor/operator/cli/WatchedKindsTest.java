package dev.instrumentor.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class WatchedKindsTest {

  @Test
  void aWatchEventOfEveryWatchedKindReadsAsItsClass() {
    KubernetesSerialization serialization = WatchedKinds.registered();
    for (Class<? extends HasMetadata> kind : WatchedKinds.all()) {
      assertThat(event(serialization, HasMetadata.getApiVersion(kind), HasMetadata.getKind(kind)).getObject())
          .as(kind.getName()).isInstanceOf(kind);
    }
  }

  private static WatchEvent event(KubernetesSerialization serialization, String apiVersion, String kind) {
    return serialization.unmarshal("{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"" + apiVersion
        + "\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"n\",\"namespace\":\"ns\"}}}", WatchEvent.class);
  }
}
