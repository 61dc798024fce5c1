package dev.instrumentor.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs users install ({@code kubectl apply -f crds/}, the Helm chart) are files in git. This
 * test fails when they differ from what the model generates, so a model change cannot ship with
 * stale CRDs.
 */
class CommittedCrdsAreFreshTest {

  private static final String HOW_TO_FIX =
      "committed CRD is stale: run ./mvnw -pl crds process-classes -Dcrds.update=true and commit";

  private final Map<String, String> generated = CrdGeneration.generate(Path.of("src/main/java"));

  @Test
  void topLevelCrdsFolderHoldsExactlyTheGeneratedCrds() throws IOException {
    assertFolderMatches(Path.of("").toAbsolutePath());
  }

  @Test
  void helmChartCrdsFolderHoldsExactlyTheGeneratedCrds() throws IOException {
    assertFolderMatches(Path.of("").toAbsolutePath().resolveSibling("helm-chart/instrumentor/crds"));
  }

  @Test
  void buildOutputIsWhatTheGeneratorProduces() throws IOException {
    // the exec-maven-plugin step of process-classes wrote these; they must be the same bytes
    assertFolderMatches(Path.of("target/classes/META-INF/instrumentor/crds").toAbsolutePath());
  }

  @Test
  void oneFilePerCustomResource() {
    assertThat(generated.keySet()).containsExactly(
        "instrumentations.instrumentor.dev.yaml", "telemetrycollectors.instrumentor.dev.yaml");
  }

  private void assertFolderMatches(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml")))
          .as("CRD files in %s", folder)
          .containsExactlyInAnyOrderElementsOf(generated.keySet());
    }
    for (Map.Entry<String, String> crd : generated.entrySet()) {
      assertThat(Files.readString(folder.resolve(crd.getKey())))
          .as("%s in %s: %s", crd.getKey(), folder, HOW_TO_FIX)
          .isEqualTo(crd.getValue());
    }
  }
}
