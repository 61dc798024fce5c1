package dev.instrumentor.webhook.inject;

import dev.instrumentor.api.InstrumentorAnnotations;
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
final class JavaLanguage implements AgentLanguage {

  static final String NAME = "java";
  static final String MOUNT_PATH = "/instrumentor/java";
  static final String AGENT_JAR = MOUNT_PATH + "/javaagent.jar";
  static final String EXTENSIONS_DIR = MOUNT_PATH + "/extensions";
  static final String JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String injectAnnotation() {
    return InstrumentorAnnotations.INJECT_JAVA;
  }

  @Override
  public String containerNamesAnnotation() {
    return InstrumentorAnnotations.JAVA_CONTAINER_NAMES;
  }

  @Override
  public String volume() {
    return "instrumentor-java-agent";
  }

  @Override
  public String mountPath() {
    return MOUNT_PATH;
  }

  @Override
  public AgentSpec block(InstrumentationSpec spec) {
    return spec.getJava();
  }

  @Override
  public String defaultImage(InjectorSettings settings) {
    return settings.javaAgentImage();
  }

  @Override
  public List<Copy> copies(AgentSpec block, String agentImage, String variant) {
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
  public Loader loader(AgentSpec block) {
    String options = "-javaagent:" + AGENT_JAR;
    if (block instanceof JavaSpec java && java.getExtensions() != null && !java.getExtensions().isEmpty()) {
      options += " -Dotel.javaagent.extensions=" + EXTENSIONS_DIR;
    }
    return new Loader(JAVA_TOOL_OPTIONS, null, options, " ");
  }

  @Override
  public String attached() {
    return "Java agent attached";
  }
}
