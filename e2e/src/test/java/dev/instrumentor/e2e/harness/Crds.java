package dev.instrumentor.e2e.harness;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Installs the CRDs from the top-level {@code crds/} folder, as {@code kubectl apply -f crds/} does. */
final class Crds {

  private Crds() {
  }

  static List<CustomResourceDefinition> apply(KubernetesClient client, boolean waitUntilEstablished) {
    Path crds = Path.of("").toAbsolutePath().resolveSibling("crds");
    List<CustomResourceDefinition> applied = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(crds, "*.yaml")) {
      for (Path file : files) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
          applied.add(client.resource(crd).createOr(existing -> existing.update()));
          if (waitUntilEstablished) {
            client.resource(crd).waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
                && c.getStatus().getConditions().stream().anyMatch(
                    condition -> "Established".equals(condition.getType()) && "True".equals(condition.getStatus())),
                60, TimeUnit.SECONDS);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return applied;
  }
}
