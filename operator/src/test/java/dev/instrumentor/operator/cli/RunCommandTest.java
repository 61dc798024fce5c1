package dev.instrumentor.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.instrumentor.operator.runtime.OperatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RunCommandTest {

  private static OperatorConfig parse(String... args) throws Exception {
    RunCommand command = new RunCommand();
    new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
    return command.config();
  }

  @Test
  void defaultsAreProductionSettings() throws Exception {
    OperatorConfig config = parse();
    assertThat(config.watchesAllNamespaces()).isTrue();
    assertThat(config.leaderElection()).isTrue();
    assertThat(config.serverSideApply()).isTrue();
    assertThat(config.webhookPort()).isEqualTo(9443);
    assertThat(config.metricsPort()).isEqualTo(8080);
    assertThat(config.certificateFile()).isEqualTo(Path.of("/etc/instrumentor/tls/tls.crt"));
    assertThat(config.logFormat()).isEqualTo("text");
  }

  @Test
  void flagsSetEveryField() throws Exception {
    OperatorConfig config = parse("--watch-namespaces", "shop, billing", "--namespace", "ops", "--no-leader-election",
        "--webhook-port", "10443", "--webhook-cert", "/tmp/c", "--webhook-key", "/tmp/k", "--no-server-side-apply",
        "--java-agent-image", "agent:1", "--collector-image", "otelcol:1", "--metrics-port", "9090",
        "--log-format", "json", "--log-level", "debug");
    assertThat(config.watchNamespaces()).containsExactlyInAnyOrder("shop", "billing");
    assertThat(config.operatorNamespace()).isEqualTo("ops");
    assertThat(config.leaderElection()).isFalse();
    assertThat(config.webhookPort()).isEqualTo(10443);
    assertThat(config.keyFile()).isEqualTo(Path.of("/tmp/k"));
    assertThat(config.serverSideApply()).isFalse();
    assertThat(config.agentImages().java()).isEqualTo("agent:1");
    assertThat(config.collectorImage()).isEqualTo("otelcol:1");
    assertThat(config.metricsPort()).isEqualTo(9090);
    assertThat(config.logFormat()).isEqualTo("json");
    assertThat(config.logLevel()).isEqualTo("DEBUG");
  }

  @Test
  void localWebhookBindsLoopbackAndGeneratesItsCertificate() throws Exception {
    OperatorConfig config = parse("--local-webhook");
    assertThat(config.localWebhook()).isTrue();
    assertThat(config.webhookHost()).isEqualTo("127.0.0.1");
    assertThat(config.certificateFile()).isNull();
    assertThat(config.leaderElection()).isFalse();
  }

  @Test
  void theSelfManagedCertificatesLifetimeComesFromFlags() throws Exception {
    OperatorConfig defaults = parse("--self-managed-certificates");
    assertThat(defaults.selfManaged().validity()).isEqualTo(Duration.ofDays(365));
    assertThat(defaults.selfManaged().renewBefore()).isEqualTo(Duration.ofDays(30));
    OperatorConfig config = parse("--self-managed-certificates", "--certificate-validity-days", "90",
        "--certificate-renew-before-days", "20");
    assertThat(config.selfManaged().validity()).isEqualTo(Duration.ofDays(90));
    assertThat(config.selfManaged().renewBefore()).isEqualTo(Duration.ofDays(20));
    Assertions.assertThatThrownBy(() -> parse("--self-managed-certificates",
        "--certificate-validity-days", "30", "--certificate-renew-before-days", "30"))
        .isInstanceOf(picocli.CommandLine.ParameterException.class)
        .hasMessage("--certificate-renew-before-days 30 must be at least 1 and less than --certificate-validity-days 30");
  }
}
