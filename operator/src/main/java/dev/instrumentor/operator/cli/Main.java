package dev.instrumentor.operator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar instrumentor.jar <command>}: the one entry point of the image and the CLI. */
@Command(
    name = "instrumentor",
    mixinStandardHelpOptions = true,
    versionProvider = BuildInfo.class,
    description = "Kubernetes operator that injects OpenTelemetry auto-instrumentation into workloads.",
    subcommands = {RunCommand.class, InjectCommand.class, RenderCommand.class, TargetAllocatorCommand.class,
        VersionCommand.class,
        CommandLine.HelpCommand.class})
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, also used by tests to run commands in-process. */
  public static CommandLine commandLine() {
    // --log-format JSON, --log-level debug: enum values in any case
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }
}
