package dev.instrumentor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.webhook.mutation.AgentImages;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What users get without naming an image is what the tests prove: each default image's tag is the
 * version the proofs run, built from the registries (the Java agent from Maven Central through the
 * pom, the Python distro from PyPI through the agent image's requirements, the Node.js packages from
 * npm through its package.json, the collector from the Go module proxy through the e2e manifest, the Go
 * instrumentation from the Go module proxy through e2e/go/build.sh), and
 * the chart's defaults are the operator's. .NET has no proof here (no .NET runtime can be installed).
 */
class DefaultVersionsTest {

  private static final Path ROOT = Path.of("..");

  private static String tag(String image) {
    return image.substring(image.lastIndexOf(':') + 1);
  }

  private static String find(Path file, String regex) throws IOException {
    Matcher matcher = Pattern.compile(regex, Pattern.MULTILINE).matcher(Files.readString(ROOT.resolve(file)));
    assertThat(matcher.find()).as(regex + " in " + file).isTrue();
    return matcher.group(1);
  }

  @Test
  void eachDefaultImageTagIsTheVersionTheProofsRun() throws IOException {
    assertThat(tag(AgentImages.DEFAULT_JAVA)).as("Java agent: default image vs the agent the e2e runs (pom.xml)")
        .isEqualTo(find(Path.of("pom.xml"), "<opentelemetry-javaagent.version>([^<]+)<"));
    assertThat(tag(AgentImages.DEFAULT_PYTHON)).as("Python: default image vs the distro the e2e installs")
        .isEqualTo(find(Path.of("images/python-agent/requirements.txt"), "^opentelemetry-distro==(\\S+)"));
    assertThat(tag(AgentImages.DEFAULT_NODEJS)).as("Node.js: default image vs the packages the e2e installs")
        .isEqualTo(find(Path.of("images/nodejs-agent/package.json"), "\"@opentelemetry/auto-instrumentations-node\": \"([^\"]+)\""));
    assertThat(tag(InjectorSettings.DEFAULT_COLLECTOR_IMAGE)).as("collector: default image vs the collector the node runs")
        .isEqualTo(find(Path.of("e2e/collector/manifest.yaml"), "^  version: (\\S+)"));
    assertThat(tag(AgentImages.DEFAULT_GO)).as("Go: default image vs the instrumentation the e2e builds")
        .isEqualTo(find(Path.of("e2e/go/build.sh"), "^GO_AUTO_VERSION=\"\\$\\{GO_AUTO_VERSION:-(v[^}]+)\\}\""));
    assertThat(find(Path.of("images/java-agent/Dockerfile"), "^ARG AGENT_VERSION=(\\S+)"))
        .as("the Java agent image recipe's default").isEqualTo(tag(AgentImages.DEFAULT_JAVA));
  }

  @Test
  void theChartsDefaultsAreTheOperators() throws IOException {
    Path values = Path.of("helm-chart/instrumentor/values.yaml");
    assertThat(find(values, "^  javaAgentImage: (\\S+)")).isEqualTo(AgentImages.DEFAULT_JAVA);
    assertThat(find(values, "^  nodejsAgentImage: (\\S+)")).isEqualTo(AgentImages.DEFAULT_NODEJS);
    assertThat(find(values, "^  pythonAgentImage: (\\S+)")).isEqualTo(AgentImages.DEFAULT_PYTHON);
    assertThat(find(values, "^  dotnetAgentImage: (\\S+)")).isEqualTo(AgentImages.DEFAULT_DOTNET);
    assertThat(find(values, "^  goAgentImage: (\\S+)")).isEqualTo(AgentImages.DEFAULT_GO);
    assertThat(find(values, "^  apacheHttpdAgentImage: (\\S+)")).isEqualTo(AgentImages.DEFAULT_WEB_SERVER);
    assertThat(find(values, "^  nginxAgentImage: (\\S+)")).isEqualTo(AgentImages.DEFAULT_WEB_SERVER);
    assertThat(find(values, "^  collectorImage: (\\S+)")).isEqualTo(InjectorSettings.DEFAULT_COLLECTOR_IMAGE);
  }
}
