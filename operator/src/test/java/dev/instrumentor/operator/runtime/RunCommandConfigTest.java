package dev.instrumentor.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.instrumentor.webhook.mutation.AgentImages;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunCommandConfigTest {

  @Test
  void aConfigNeedsCertificatesUnlessLocal() {
    assertThatThrownBy(() -> new OperatorConfig(Set.of(), "ns", "me", true, "lease", "0.0.0.0", 9443, null, null, false,
        "127.0.0.1", true, AgentImages.DEFAULTS, "b", 65532L, "0.0.0.0", 8080, "text", "INFO", null))
        .hasMessageContaining("--webhook-cert");
    assertThatThrownBy(() -> new OperatorConfig(Set.of(), "ns", "me", true, "lease", "0.0.0.0", 9443, Path.of("c"),
        Path.of("k"), false, "127.0.0.1", true, AgentImages.DEFAULTS, "b", 65532L, "0.0.0.0", 8080, "xml", "INFO", null))
        .hasMessageContaining("text or json");
    OperatorConfig config = new OperatorConfig(Set.of("a", "b"), "ns", "me", true, "lease", "0.0.0.0", 9443,
        Path.of("c"), Path.of("k"), false, "127.0.0.1", true, AgentImages.DEFAULTS, "b", 65532L, "0.0.0.0", 8080, "json", "DEBUG", null);
    assertThat(config.watchesAllNamespaces()).isFalse();
  }
}
