package dev.instrumentor.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class VersionCommandTest {

  @Test
  void printsTheBuildVersionAndApiVersion() {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));

    int exit = cli.execute("version");

    assertThat(exit).isZero();
    assertThat(out.toString()).startsWith("instrumentor 0.1.0-SNAPSHOT (API instrumentor.dev/v1alpha1, Java ");
  }

  @Test
  void unknownCommandIsAUsageErrorWithExitCode2() {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));

    assertThat(cli.execute("frobnicate")).isEqualTo(2);
    assertThat(err.toString()).contains("Unmatched argument", "frobnicate");
  }
}
