package dev.instrumentor.operator.cli;

import dev.instrumentor.api.v1alpha1.ApiGroup;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code instrumentor version}: prints the version, the Java runtime and the API version served. */
@Command(name = "version", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
    description = "Print the Instrumentor version.")
final class VersionCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().printf("instrumentor %s (API %s, Java %s)%n",
        BuildInfo.version(), ApiGroup.API_VERSION,
        Runtime.version());
    return 0;
  }
}
