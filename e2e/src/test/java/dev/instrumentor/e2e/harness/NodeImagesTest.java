package dev.instrumentor.e2e.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The images the e2e node builds keep the contract of the Dockerfiles users build: the same user,
 * entrypoint, command and working directory as the Dockerfile's final stage, and every path the chart or
 * the injector relies on is one the Dockerfile puts there.
 */
class NodeImagesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static List<NodeImages.Recipe> recipes() {
    return List.of(NodeImages.OPERATOR_RECIPE, NodeImages.JAVA_AGENT_RECIPE, NodeImages.PYTHON_AGENT_RECIPE,
        NodeImages.NODEJS_AGENT_RECIPE);
  }

  /** The instructions of a Dockerfile's final stage, continuation lines joined, comments dropped. */
  private static List<String> finalStage(String dockerfile) throws IOException {
    String text = Files.readString(ControlPlane.projectRoot().resolve(dockerfile)).replaceAll("\\\\\n", " ");
    List<String> stage = new ArrayList<>();
    for (String line : text.split("\n")) {
      String instruction = line.strip();
      if (instruction.isEmpty() || instruction.startsWith("#")) {
        continue;
      }
      if (instruction.toUpperCase().startsWith("FROM ")) {
        stage.clear();
      }
      stage.add(instruction);
    }
    return stage;
  }

  private static String last(List<String> stage, String keyword) {
    String value = null;
    for (String instruction : stage) {
      if (instruction.toUpperCase().startsWith(keyword + " ")) {
        value = instruction.substring(keyword.length() + 1).strip();
      }
    }
    return value;
  }

  private static List<String> exec(String form) throws IOException {
    return form == null ? List.of() : JSON.readValue(form, new TypeReference<List<String>>() { });
  }

  @ParameterizedTest
  @MethodSource("recipes")
  void theImageKeepsItsDockerfilesContract(NodeImages.Recipe recipe) throws IOException {
    List<String> stage = finalStage(recipe.dockerfile());
    assertThat(recipe.user()).as("USER of " + recipe.dockerfile()).isEqualTo(last(stage, "USER"));
    assertThat(recipe.entrypoint()).as("ENTRYPOINT of " + recipe.dockerfile()).isEqualTo(exec(last(stage, "ENTRYPOINT")));
    assertThat(recipe.cmd()).as("CMD of " + recipe.dockerfile()).isEqualTo(exec(last(stage, "CMD")));
    assertThat(recipe.workdir()).as("WORKDIR of " + recipe.dockerfile()).isEqualTo(last(stage, "WORKDIR"));
    String instructions = String.join("\n", stage);
    for (String path : recipe.paths()) {
      assertThat(instructions).as(recipe.dockerfile() + " puts " + path + " in the image").containsPattern(
          "[ =]" + Pattern.quote(path) + "(\\s|\"|$)");
    }
  }

  @Test
  void theChartsJvmOptionsUseTheArchiveTheDockerfileMakesOnTheJvmTheNodeImageRuns() throws IOException {
    Path root = ControlPlane.projectRoot();
    assertThat(NodeImages.chartJvmOptions()).contains("-XX:SharedArchiveFile=/app/instrumentor.jsa", "-XX:+UseSerialGC");
    assertThat(NodeImages.OPERATOR_RECIPE.paths()).contains("/app/instrumentor.jsa", "/app/instrumentor.jar");
    String dockerfile = Files.readString(root.resolve("Dockerfile"));
    assertThat(dockerfile).contains("\"-XX:ArchiveClassesAtExit=/app/instrumentor.jsa\"", "\"-XX:+UseSerialGC\"")
        .containsPattern("FROM gcr.io/distroless/java17-debian13[:@]");
    // the e2e operator image runs the same Java feature release as the Dockerfile's base
    assertThat(Files.readString(root.resolve("e2e/images/rootfs.sh"))).contains("PACKAGES=\"openjdk-17-jre-headless,");
  }
}
