package dev.instrumentor.webhook.agent;

import dev.instrumentor.api.Language;

import dev.instrumentor.api.v1alpha1.AgentSpec;
import dev.instrumentor.api.v1alpha1.Extension;
import dev.instrumentor.api.v1alpha1.InstrumentationSpec;
import dev.instrumentor.api.v1alpha1.JavaSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenTelemetry Java agent, with the contract of the OpenTelemetry Operator's
 * autoinstrumentation-java images: {@code /javaagent.jar} is copied into the volume, and
 * JAVA_TOOL_OPTIONS gains {@code -javaagent:...}; extension images' directories are copied besides.
 */
final class JavaLanguage extends AgentLanguage {

  static final String NAME = Language.JAVA.key();
  static final String MOUNT_PATH = "/instrumentor/java";
  static final String AGENT_JAR = MOUNT_PATH + "/javaagent.jar";
  static final String EXTENSIONS_DIR = MOUNT_PATH + "/extensions";
  static final String JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";

  JavaLanguage() {
    super(Language.JAVA, "instrumentor-java-agent", MOUNT_PATH, "Java agent attached");
  }

  @Override
  AgentSpec block(InstrumentationSpec spec) {
    return spec.getJava();
  }

  @Override
  List<Copy> copies(AgentSpec block, String agentImage, String variant) {
    List<Copy> copies = new ArrayList<>(1);
    copies.add(new Copy("", agentImage, List.of("cp", "/javaagent.jar", AGENT_JAR)));
    List<Extension> extensions = block instanceof JavaSpec java && java.getExtensions() != null
        ? java.getExtensions() : List.of();
    for (int i = 0; i < extensions.size(); i++) {
      Extension extension = extensions.get(i);
      String dir = extension.getDir().endsWith("/") ? extension.getDir() : extension.getDir() + "/";
      copies.add(new Copy("-extension-" + i, extension.getImage(), List.of("cp", "-r", dir + ".", EXTENSIONS_DIR)));
    }
    return copies;
  }

  /** {@code -javaagent:...} appended, plus the extensions folder when there are extensions. */
  @Override
  List<Loader> loaders(AgentSpec block, String variant) {
    String options = "-javaagent:" + AGENT_JAR;
    if (block instanceof JavaSpec java && java.getExtensions() != null && !java.getExtensions().isEmpty()) {
      options += " -Dotel.javaagent.extensions=" + EXTENSIONS_DIR;
    }
    return List.of(new Loader(JAVA_TOOL_OPTIONS, null, options, " "));
  }
}
