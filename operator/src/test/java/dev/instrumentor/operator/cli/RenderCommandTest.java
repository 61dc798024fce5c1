package dev.instrumentor.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderCommandTest {

  private static final Path EXAMPLES = Path.of("..", "examples");

  @TempDir
  Path directory;

  private static List<JsonNode> documents(String yaml) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    MappingIterator<JsonNode> values =
        new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).readValues(yaml);
    values.forEachRemaining(documents::add);
    return documents;
  }

  private static List<String> kinds(List<JsonNode> documents) {
    return documents.stream().map(d -> d.path("kind").asText() + "/" + d.path("metadata").path("name").asText()).toList();
  }

  @Test
  void theExampleRendersWhatTheOperatorCreatesAndOtherDocumentsPassThrough() throws Exception {
    Path file = directory.resolve("collector.yaml");
    Files.writeString(file, "apiVersion: v1\nkind: Secret\nmetadata: {name: grafana-cloud, namespace: observability}\n"
        + "stringData: {GRAFANA_CLOUD_USER: \"123\"}\n---\n" + Files.readString(EXAMPLES.resolve("collector.yaml")));

    CliRun run = CliRun.of("render", "-f", file.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    // what it could not check offline is said, with how to
    assertThat(run.err()).contains("note: ", "component types not checked (Instrumentor has no component list for"
        + " otel/opentelemetry-collector-contrib:0.158.0)", "the fields inside each component are checked only by the"
        + " collector itself", " validate --config=");
    List<JsonNode> out = documents(run.out());
    assertThat(kinds(out)).containsExactly("Secret/grafana-cloud", "ConfigMap/collector-collector",
        "ServiceAccount/collector-collector", "Deployment/collector-collector", "Service/collector-collector",
        "Service/collector-collector-headless", "Service/collector-collector-monitoring", "PodDisruptionBudget/collector-collector");
    JsonNode deployment = out.get(3);
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(deployment.at("/metadata/ownerReferences").isMissingNode()
        || deployment.at("/metadata/ownerReferences").isEmpty()).as("no owner without its uid").isTrue();
    assertThat(out.get(1).at("/data/collector.yaml").asText()).contains("endpoint: \"0.0.0.0:4317\"",
        "host: \"0.0.0.0\"");
  }

  @Test
  void anInvalidCollectorExitsTwoNamingTheProblem() throws Exception {
    Path file = directory.resolve("bad.yaml");
    Files.writeString(file, Files.readString(EXAMPLES.resolve("collector.yaml")).replace("exporters: [debug]",
        "exporters: [kafka]"));
    CliRun badConfig = CliRun.of("render", "-f", file.toString());
    assertThat(badConfig.exit()).isEqualTo(2);
    assertThat(badConfig.out()).isEmpty();
    assertThat(badConfig.err()).contains("TelemetryCollector collector has an invalid config",
        "service.pipelines.metrics: exporter \"kafka\" is not defined in exporters or connectors");

    Files.writeString(file, Files.readString(EXAMPLES.resolve("collector.yaml")).replace("mode: deployment",
        "mode: daemonset"));
    CliRun badSchema = CliRun.of("render", "-f", file.toString());
    assertThat(badSchema.exit()).isEqualTo(2);
    assertThat(badSchema.err()).contains("TelemetryCollector collector is invalid", "spec.replicas");
  }

  @Test
  void theGrafanaCloudExampleRendersItsCollectorAndPassesTheSecretAndInstrumentationThrough() throws Exception {
    CliRun run = CliRun.of("render", "-f", EXAMPLES.resolve("grafana-cloud.yaml").toString());
    assertThat(run.exit()).as(run.err()).isZero();
    // what it could not check offline is said, with how to
    assertThat(run.err()).contains("note: ", "component types not checked (Instrumentor has no component list for"
        + " otel/opentelemetry-collector-contrib:0.158.0)", "the fields inside each component are checked only by the"
        + " collector itself", " validate --config=");
    List<JsonNode> out = documents(run.out());
    assertThat(kinds(out)).containsExactly("Secret/grafana-cloud", "ConfigMap/grafana-collector",
        "ServiceAccount/grafana-collector", "Deployment/grafana-collector", "Service/grafana-collector",
        "Service/grafana-collector-headless", "Service/grafana-collector-monitoring", "Instrumentation/default");
    JsonNode container = out.get(3).at("/spec/template/spec/containers/0");
    assertThat(container.at("/envFrom/0/secretRef/name").asText()).isEqualTo("grafana-cloud");
    assertThat(container.at("/livenessProbe/httpGet/port").asInt()).as("health_check, on all interfaces").isEqualTo(13133);
    assertThat(out.get(1).at("/data/collector.yaml").asText()).contains("password: \"${env:GRAFANA_CLOUD_API_KEY}\"",
        "endpoint: \"0.0.0.0:13133\"", "sampling_percentage: 10");
  }
}
