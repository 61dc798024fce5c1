package dev.instrumentor.operator.cli;

import dev.instrumentor.operator.preview.InstrumentationFiles;
import dev.instrumentor.operator.preview.ManifestInjector;
import dev.instrumentor.operator.yaml.InputException;
import dev.instrumentor.operator.yaml.YamlDocuments;
import dev.instrumentor.webhook.agent.Agents;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code instrumentor inject}: prints manifests with every pod template mutated exactly as the
 * admission webhook would mutate the pods, without a cluster.
 */
@Command(name = "inject", modelTransformer = AgentImageOptions.class, sortOptions = false,
    mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
    description = {
        "Preview offline what the webhook does: print the manifests with every pod template mutated as its pods would be.",
        "One line per workload on stderr says what happened, and a warning for each annotation the webhook would"
            + " ignore (an unknown key, with what it most likely meant) or skip (an inject value that is neither true,"
            + " false nor a name).",
        "Exit code 2 on bad input; 3 with --strict when there is such a warning."})
final class InjectCommand implements Callable<Integer> {

  static final int BAD_INPUT = 2;
  /** {@code --strict}: an annotation the webhook would ignore or skip. */
  static final int ANNOTATION_PROBLEMS = 3;

  @Spec
  CommandSpec spec;

  @Option(names = {"-i", "--instrumentation"}, required = true, paramLabel = "FILE",
      description = "Instrumentation YAML (repeatable; a file may hold several documents).")
  List<Path> instrumentations;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "Manifests to mutate (multi-document YAML), or - for standard input.")
  String manifests;

  @Option(names = "--strict", description = "Exit with code 3 when an annotation is unknown (a misspelled key) or an"
      + " inject value is neither true, false nor a name: for a CI check of manifests.")
  boolean strict;

  @Option(names = "--agent-run-as-user", paramLabel = "UID",
      description = "Non-root user of the init containers when neither the container nor the pod sets one"
          + " (default: ${DEFAULT-VALUE}).")
  long agentRunAsUser = InjectorSettings.DEFAULT_RUN_AS_USER;

  @Option(names = "--selector-namespaces", paramLabel = "NAMESPACES", split = ",",
      description = "Namespaces whose Instrumentations' spec.selector.namespaceSelector is honoured, as the chart's"
          + " selectorNamespaces (default: * , every one, as if each Instrumentation were in an allowed namespace).")
  Set<String> selectorNamespaces = Set.of("*");

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      InstrumentationFiles files = new InstrumentationFiles();
      for (Path file : instrumentations) {
        files.add(file.toString(), read(file));
      }
      String source = "-".equals(manifests) ? "(stdin)" : manifests;
      String text = "-".equals(manifests) ? readStdin() : read(Path.of(manifests));
      InjectorSettings settings = new InjectorSettings(
          AgentImageOptions.images(spec), agentRunAsUser,
          InjectorSettings.DEFAULT_COLLECTOR_IMAGE, true);
      ManifestInjector injector = new ManifestInjector(
          Agents.mutator(InstrumentationSource.of(files.instrumentations()), settings, selectorNamespaces));
      ManifestInjector.Result result = injector.inject(source, YamlDocuments.read(source, text));
      out.print(YamlDocuments.write(result.documents()));
      out.flush();
      result.report().forEach(err::println);
      result.problems().forEach(problem -> err.println("warning: " + problem));
      err.flush();
      return strict && !result.problems().isEmpty() ? ANNOTATION_PROBLEMS : 0;
    } catch (InputException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return BAD_INPUT;
    }
  }

  /** A file's text, or an InputException saying why not (for every command that reads manifests). */
  static String read(Path file) throws InputException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InputException(file.toString(), "no such file");
    } catch (IOException e) {
      throw new InputException(file.toString(), "cannot read: " + e.getMessage());
    }
  }

  private String readStdin() throws InputException {
    try {
      InputStream in = System.in;
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InputException("(stdin)", "cannot read: " + e.getMessage());
    }
  }
}
