package dev.instrumentor.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.operator.yaml.InputException;
import dev.instrumentor.operator.yaml.YamlDocuments;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The README's run command and its error paths, through the real command line. */
class InjectCommandTest {

  private static final Path EXAMPLES = Path.of("").toAbsolutePath().resolveSibling("examples");

  @TempDir
  Path directory;


  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private Path write(String name, String content) throws IOException {
    Path file = directory.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  private static List<JsonNode> documents(String yaml) throws InputException {
    return YamlDocuments.read("test", yaml);
  }

  private static final String INSTRUMENTATION = """
      apiVersion: instrumentor.dev/v1alpha1
      kind: Instrumentation
      metadata: {name: java, namespace: shop}
      spec:
        exporter: {endpoint: "http://collector:4318"}
      """;

  @Test
  void thePythonExampleIsPreviewedWithThePythonContract() throws Exception {
    CliRun run = run("inject", "-i", EXAMPLES.resolve("instrumentation.yaml").toString(),
        "-f", EXAMPLES.resolve("python-deployment.yaml").toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).contains("Deployment demo/storefront: python injected (demo/default) into web: Python"
        + " auto-instrumentation attached", "Deployment demo/storefront-worker: python injected (demo/default) into worker");
    JsonNode pod = documents(run.out()).get(0).path("spec").path("template");
    JsonNode init = pod.path("spec").path("initContainers").get(0);
    assertThat(init.path("name").asText()).isEqualTo("instrumentor-python-agent");
    assertThat(init.path("command").toString()).isEqualTo("[\"cp\",\"-r\",\"/autoinstrumentation/.\",\"/instrumentor/python\"]");
    String env = pod.path("spec").path("containers").get(0).path("env").toString();
    assertThat(env).contains("\"PYTHONPATH\",\"value\":\"/instrumentor/python/opentelemetry/instrumentation/"
        + "auto_instrumentation:/app:/instrumentor/python\"", "\"OTEL_EXPORTER_OTLP_PROTOCOL\",\"value\":\"http/protobuf\"",
        // python.env points the HTTP exporter at the collector's 4318 while Java keeps 4317
        "\"OTEL_EXPORTER_OTLP_ENDPOINT\",\"value\":\"http://collector-collector.observability:4318\"");
  }

  @Test
  void theNodeExampleIsPreviewedWithTheNodeContractAndAFlagForItsImage() throws Exception {
    CliRun run = run("inject", "-i", EXAMPLES.resolve("instrumentation.yaml").toString(),
        "-f", EXAMPLES.resolve("nodejs-deployment.yaml").toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).startsWith("Deployment demo/web-frontend: nodejs injected (demo/default) into web: Node.js"
        + " auto-instrumentation attached");
    JsonNode pod = documents(run.out()).get(0).path("spec").path("template");
    JsonNode init = pod.path("spec").path("initContainers").get(0);
    assertThat(init.path("name").asText()).isEqualTo("instrumentor-nodejs-agent");
    assertThat(init.path("image").asText())
        .isEqualTo("ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-nodejs:0.78.0");
    assertThat(pod.path("spec").path("containers").get(0).path("env").toString()).contains(
        "\"NODE_OPTIONS\",\"value\":\"--max-old-space-size=384 --require /instrumentor/nodejs/autoinstrumentation.js\"");

    // an Instrumentation without a nodejs block: the flag's image
    Path bare = write("bare.yaml", "apiVersion: instrumentor.dev/v1alpha1\nkind: Instrumentation\n"
        + "metadata: {name: default, namespace: demo}\nspec: {exporter: {endpoint: 'http://c:4318'}}\n");
    CliRun flagged = run("inject", "-i", bare.toString(), "-f", EXAMPLES.resolve("nodejs-deployment.yaml").toString(),
        "--nodejs-agent-image", "registry.example.com/nodejs-agent:1");
    assertThat(flagged.exit()).as(flagged.err()).isZero();
    assertThat(documents(flagged.out()).get(0).path("spec").path("template").path("spec").path("initContainers")
        .get(0).path("image").asText()).isEqualTo("registry.example.com/nodejs-agent:1");
  }

  @Test
  void theSelectorExampleShowsEachContainersDetectedLanguageAndWhatWasLeftAlone() throws Exception {
    CliRun run = run("inject", "-i", EXAMPLES.resolve("selector-instrumentation.yaml").toString(), "-f",
        EXAMPLES.resolve("selector-deployments.yaml").toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).contains("Deployment shop/cart: java injected (shop/shop) into cart, asked with spec.selector:"
        + " Java agent attached; chosen by spec.selector of shop/shop; detected cart: java (its image"
        + " registry.example.com/shop/cart:4.2.0 matches registry.example.com/shop/cart* of spec.selector.images)");
    assertThat(run.err()).contains("Deployment shop/storefront: python injected (shop/shop) into web,worker, asked with"
        + " spec.selector: Python auto-instrumentation attached; chosen by spec.selector of shop/shop; detected web:"
        + " python (its command starts gunicorn); worker: python (its command starts celery); selector skipped (shop/shop):"
        + " chosen by spec.selector of shop/shop; left alone: cache: neither its image redis:7.2 nor its environment"
        + " tells a language");
    assertThat(run.err()).contains("Deployment shop/legacy: unchanged (nothing asks for injection, or already injected)");
    List<JsonNode> documents = documents(run.out());
    JsonNode storefront = documents.get(1).path("spec").path("template");
    assertThat(storefront.path("metadata").path("labels").path("instrumentor.dev/instrumented").asText())
        .isEqualTo("python");
    assertThat(storefront.path("spec").path("containers").get(2).has("env")).as("the redis untouched").isFalse();
    assertThat(documents.get(2).path("spec").path("template").path("metadata").path("labels")
        .has("instrumentor.dev/instrumented")).isFalse();
  }

  @Test
  void theReadmeCommandPrintsAnInstrumentedDeployment() throws Exception {
    CliRun run = run("inject", "-i", EXAMPLES.resolve("instrumentation.yaml").toString(),
        "-f", EXAMPLES.resolve("java-deployment.yaml").toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).isEqualTo("Deployment demo/petclinic: java injected (demo/default) into app: Java agent attached"
        + " (each pod also gets k8s.replicaset.name from its ReplicaSet at admission)\n");
    JsonNode deployment = documents(run.out()).get(0);
    JsonNode pod = deployment.path("spec").path("template");
    assertThat(pod.path("spec").path("initContainers").get(0).path("name").asText()).isEqualTo("instrumentor-java-agent");
    assertThat(pod.path("spec").path("initContainers").get(0).path("image").asText())
        .isEqualTo("ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.31.0");
    JsonNode env = pod.path("spec").path("containers").get(0).path("env");
    assertThat(env.get(0).path("value").asText()).isEqualTo("-Xmx512m -javaagent:/instrumentor/java/javaagent.jar");
    assertThat(env.toString()).contains("\"OTEL_SERVICE_NAME\",\"value\":\"petclinic\"",
        "\"OTEL_TRACES_SAMPLER_ARG\",\"value\":\"0.25\"", "\"OTEL_PROPAGATORS\",\"value\":\"tracecontext,baggage,b3\"");
    // the rest of the Deployment is as written
    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(deployment.path("metadata").path("labels").path("app.kubernetes.io/name").asText()).isEqualTo("petclinic");
  }

  @Test
  void theInitContainersDefaultUserIsAFlag() throws Exception {
    CliRun run = run("inject", "-i", EXAMPLES.resolve("instrumentation.yaml").toString(),
        "-f", EXAMPLES.resolve("java-deployment.yaml").toString(), "--agent-run-as-user", "4321");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode init = documents(run.out()).get(0).path("spec").path("template").path("spec").path("initContainers").get(0);
    assertThat(init.path("securityContext").path("runAsUser").asLong()).isEqualTo(4321L);
  }

  @Test
  void runningOnItsOwnOutputChangesNothing() throws Exception {
    CliRun first = run("inject", "-i", EXAMPLES.resolve("instrumentation.yaml").toString(),
        "-f", EXAMPLES.resolve("java-deployment.yaml").toString());
    Path output = write("out.yaml", first.out());

    CliRun second = run("inject", "-i", EXAMPLES.resolve("instrumentation.yaml").toString(), "-f", output.toString());

    assertThat(second.exit()).isZero();
    assertThat(second.out()).isEqualTo(first.out());
    assertThat(second.err()).contains("unchanged");
  }

  @Test
  void readsManifestsFromStandardInput() throws Exception {
    InputStream stdin = System.in;
    try {
      System.setIn(new ByteArrayInputStream(Files.readAllBytes(EXAMPLES.resolve("java-deployment.yaml"))));
      CliRun run = run("inject", "-i", EXAMPLES.resolve("instrumentation.yaml").toString(), "-f", "-");
      assertThat(run.exit()).isZero();
      assertThat(run.out()).contains("-javaagent:/instrumentor/java/javaagent.jar");
    } finally {
      System.setIn(stdin);
    }
  }

  @Test
  void everyWorkloadKindIsMutatedAndOtherKindsPassThrough() throws Exception {
    String template = """
          template:
            metadata:
              annotations: {instrumentor.dev/inject-java: "true"}
            spec:
              containers: [{name: main, image: "example/app:1"}]
        """;
    String manifests = String.join("---\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {a: \"1\"}\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n" + template,
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: shop}\nspec:\n" + template,
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: shop}\nspec:\n" + template,
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs, namespace: shop}\nspec:\n" + template,
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: once, namespace: shop}\nspec:\n" + template,
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, namespace: shop}\nspec:\n  schedule: '0 1 * * *'\n"
            + "  jobTemplate:\n    spec:\n" + template.replace("\n  ", "\n      ").replaceFirst("^  ", "      "),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: debug, namespace: shop, annotations: {instrumentor.dev/inject-java: java}}\n"
            + "spec: {containers: [{name: jshell, image: 'eclipse-temurin:21'}]}\n",
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {ports: [{port: 80}]}\n");

    CliRun run = run("inject", "-i", write("inst.yaml", INSTRUMENTATION).toString(),
        "-f", write("all.yaml", manifests).toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err().lines()).containsExactly(
        "Deployment shop/web: java injected (shop/java) into main: Java agent attached"
            + " (each pod also gets k8s.replicaset.name from its ReplicaSet at admission)",
        "StatefulSet shop/db: java injected (shop/java) into main: Java agent attached",
        "DaemonSet shop/agent: java injected (shop/java) into main: Java agent attached",
        "ReplicaSet shop/rs: java injected (shop/java) into main: Java agent attached",
        "Job shop/once: java injected (shop/java) into main: Java agent attached",
        "CronJob shop/nightly: java injected (shop/java) into main: Java agent attached"
            + " (each pod also gets k8s.job.name from its Job at admission)",
        "Pod shop/debug: java injected (shop/java) into jshell: Java agent attached");
    List<JsonNode> in = documents(manifests);
    List<JsonNode> out = documents(run.out());
    assertThat(out).hasSize(9);
    assertThat(out.get(0)).isEqualTo(in.get(0));
    assertThat(out.get(8)).isEqualTo(in.get(8));
    assertThat(serviceName(out.get(1).path("spec").path("template"))).isEqualTo("web");
    assertThat(serviceName(out.get(6).path("spec").path("jobTemplate").path("spec").path("template"))).isEqualTo("nightly");
    assertThat(serviceName(out.get(7))).isEqualTo("debug");
    assertThat(out.get(2).path("spec").path("template").toString()).contains("k8s.statefulset.name=db");
  }

  private static String serviceName(JsonNode pod) {
    for (JsonNode var : pod.path("spec").path("containers").get(0).path("env")) {
      if (var.path("name").asText().equals("OTEL_SERVICE_NAME")) {
        return var.path("value").asText();
      }
    }
    return null;
  }

  @Test
  void namespaceDocumentsSupplyNamespaceAnnotationsAndDefaultIsTheDefault() throws Exception {
    String manifests = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop, annotations: {instrumentor.dev/inject-java: "true"}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec: {template: {spec: {containers: [{name: main, image: "example/app:1"}]}}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: elsewhere}
        spec: {template: {metadata: {annotations: {instrumentor.dev/inject-java: "true"}}, spec: {containers: [{name: main, image: x}]}}}
        """;

    CliRun run = run("inject", "-i", write("inst.yaml", INSTRUMENTATION).toString(), "-f", write("m.yaml", manifests).toString());

    assertThat(run.exit()).isZero();
    assertThat(run.err().lines()).containsExactly(
        "Deployment shop/web: java injected (shop/java) into main: Java agent attached"
            + " (each pod also gets k8s.replicaset.name from its ReplicaSet at admission)",
        "Deployment default/elsewhere: java skipped: no Instrumentation in namespace default: create one, or name one"
            + " in the annotation as <namespace>/<name>");
  }

  @Test
  void misspelledAnnotationsAreWarnedWithWhatTheyMeantAndStrictFailsOnThem() throws Exception {
    String manifests = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop, annotations: {instrumentation.opentelemetry.io/inject-pyhton: "true"}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          template:
            metadata:
              annotations:
                instrumentor.dev/inject-jav: "true"
                instrumenter.dev/inject-java: "true"
                instrumentor.dev/inject-nodejs: "yes please"
                instrumentor.dev/java-container-names: main
                kubectl.kubernetes.io/default-container: main
            spec: {containers: [{name: main, image: "example/app:1"}]}
        """;
    Path file = write("m.yaml", manifests);
    String instrumentation = write("inst.yaml", INSTRUMENTATION).toString();

    CliRun lenient = run("inject", "-i", instrumentation, "-f", file.toString());
    assertThat(lenient.exit()).as(lenient.err()).isZero();
    assertThat(lenient.err().lines().filter(line -> line.startsWith("warning: "))).containsExactly(
        "warning: Namespace shop: unknown annotation instrumentation.opentelemetry.io/inject-pyhton (did you mean"
            + " instrumentation.opentelemetry.io/inject-python?)",
        "warning: Deployment shop/web: unknown annotation instrumenter.dev/inject-java (did you mean"
            + " instrumentor.dev/inject-java?)",
        "warning: Deployment shop/web: unknown annotation instrumentor.dev/inject-jav (did you mean"
            + " instrumentor.dev/inject-java?)",
        "warning: Deployment shop/web: instrumentor.dev/inject-nodejs on the pod is \"yes please\": use \"true\","
            + " \"false\", \"<name>\" or \"<namespace>/<name>\"");

    CliRun strict = run("inject", "--strict", "-i", instrumentation, "-f", file.toString());
    assertThat(strict.exit()).isEqualTo(3);
    assertThat(strict.out()).as("the preview is printed all the same").contains("kind: Deployment");

    // nothing to say: --strict passes
    CliRun clean = run("inject", "--strict", "-i", instrumentation, "-f", EXAMPLES.resolve("java-deployment.yaml").toString());
    assertThat(clean.err()).doesNotContain("warning: ");
    assertThat(clean.exit()).as(clean.err()).isZero();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'spec: [unclosed'|inst.yaml: not valid YAML: line 1",
      // a tab indenting line 3: the line of the tab, not where SnakeYAML's scan began
      "'apiVersion: v1\\nkind: Pod\\n\\tmetadata: {}'|inst.yaml: not valid YAML: line 3",
      "'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: x}'|inst.yaml: is a ConfigMap, not an Instrumentation (instrumentor.dev/v1alpha1)",
      "'apiVersion: opentelemetry.io/v1alpha1\\nkind: Instrumentation\\nmetadata: {name: x}\\nspec: {}'|inst.yaml: apiVersion is opentelemetry.io/v1alpha1: Instrumentor reads instrumentor.dev/v1alpha1 (same fields: change the apiVersion)",
      "'apiVersion: instrumentor.dev/v1alpha1\\nkind: Instrumentation\\nmetadata: {name: x}\\nspec: {samplr: {}}'|inst.yaml: Instrumentation x is invalid:\\n  spec.samplr: unknown field",
      "'apiVersion: instrumentor.dev/v1alpha1\\nkind: Instrumentation\\nmetadata: {}\\nspec: {}'|inst.yaml: metadata.name: required",
      // the CRD's CEL rules, as the API server applies them
      "'apiVersion: instrumentor.dev/v1alpha1\\nkind: Instrumentation\\nmetadata: {name: x}\\nspec: {sampler: {type: traceidratio, argument: \"10%\"}}'|inst.yaml: Instrumentation x is invalid:\\n  spec.sampler.argument must be a number between 0 and 1",
      "'apiVersion: instrumentor.dev/v1alpha1\\nkind: Instrumentation\\nmetadata: {name: x}\\nspec: {java: {volumeLimitSize: 1Gi, volumeClaimTemplate: {spec: {}}}}'|inst.yaml: Instrumentation x is invalid:\\n  spec.java.volumeLimitSize and spec.java.volumeClaimTemplate",
      "'apiVersion: instrumentor.dev/v1alpha1\\nkind: Instrumentation\\nmetadata: {name: x}\\nspec: {exporter: {endpoint: \"grpc://c:4317\"}}'|inst.yaml: Instrumentation x is invalid:\\n  spec.exporter.endpoint: the agents refuse grpc:",
      "'apiVersion: instrumentor.dev/v1alpha1\\nkind: Instrumentation\\nmetadata: {name: x}\\nspec: {exporter: {endpoint: \"collector:4318\"}}'|inst.yaml: Instrumentation x is invalid:\\n  spec.exporter.endpoint must be a URL with a scheme and a host",
      "''|inst.yaml: no Instrumentation in the file",
  })
  void badInstrumentationFilesExitWith2NamingTheFileAndProblem(String content, String message) throws Exception {
    Path file = write("inst.yaml", content.replace("\\n", "\n").replace("\\t", "\t"));
    CliRun run = run("inject", "-i", file.toString(), "-f", EXAMPLES.resolve("java-deployment.yaml").toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("error: " + directory.resolve(message.replace("\\n", "\n")));
  }

  @Test
  void aMissingFileExitsWith2() {
    CliRun run = run("inject", "-i", directory.resolve("nope.yaml").toString(), "-f", "x.yaml");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: " + directory.resolve("nope.yaml") + ": no such file\n");
  }

  @Test
  void anUnparsableManifestExitsWith2() throws Exception {
    CliRun run = run("inject", "-i", write("inst.yaml", INSTRUMENTATION).toString(),
        "-f", write("bad.yaml", "kind: Deployment\n  bad: indentation: here\n").toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: " + directory.resolve("bad.yaml") + ": not valid YAML: line 2");
  }

  @Test
  void aTemplateThatIsNotAPodExitsWith2() throws Exception {
    CliRun run = run("inject", "-i", write("inst.yaml", INSTRUMENTATION).toString(), "-f", write("bad.yaml",
        "kind: Deployment\nmetadata: {name: web}\nspec: {template: {spec: {containers: 7}}}\n").toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: " + directory.resolve("bad.yaml")
        + ": Deployment default/web: the pod template is not a valid pod");
  }

  @Test
  void missingOptionsAreAUsageError() {
    CliRun run = run("inject", "-f", "x.yaml");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required option: '--instrumentation=FILE'");
  }
}
