package dev.instrumentor.operator.cli;

import dev.instrumentor.api.Language;
import dev.instrumentor.webhook.mutation.AgentImages;
import java.util.Locale;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --<language>-agent-image IMAGE} for every language with an agent, from the one list of
 * languages ({@link Language}), with its environment variable {@code INSTRUMENTOR_<LANGUAGE>_AGENT_IMAGE}
 * and the default image: the commands that inject ({@code run}, {@code inject}) share them.
 */
public final class AgentImageOptions implements IModelTransformer {

  /** {@code --java-agent-image}, ... */
  static String option(Language language) {
    return "--" + language.key() + "-agent-image";
  }

  /** {@code INSTRUMENTOR_JAVA_AGENT_IMAGE}, ..., {@code INSTRUMENTOR_APACHE_HTTPD_AGENT_IMAGE} */
  static String variable(Language language) {
    return "INSTRUMENTOR_" + language.key().toUpperCase(Locale.ROOT).replace('-', '_') + "_AGENT_IMAGE";
  }

  @Override
  public CommandSpec transform(CommandSpec command) {
    for (Language language : Language.withAgents()) {
      command.addOption(OptionSpec.builder(option(language)).paramLabel("IMAGE").type(String.class)
          .defaultValue("${env:" + variable(language) + ":-" + AgentImages.defaultImage(language) + "}")
          .description("Default " + language.displayName() + " agent image, for Instrumentations that name none."
              + " Env " + variable(language) + "; default ${DEFAULT-VALUE}.")
          .build());
    }
    return command;
  }

  /** The images the command line (or the environment, or the defaults) gives. */
  static AgentImages images(CommandSpec command) {
    AgentImages images = AgentImages.DEFAULTS;
    for (Language language : Language.withAgents()) {
      images = images.with(language, command.findOption(option(language)).getValue());
    }
    return images;
  }
}
