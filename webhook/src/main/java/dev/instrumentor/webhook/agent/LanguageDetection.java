package dev.instrumentor.webhook.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.api.Language;
import dev.instrumentor.api.v1alpha1.ImagePattern;
import dev.instrumentor.webhook.mutation.PodJson.PodContainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A container's language, told from what its spec shows, in this order: the Instrumentation's own image
 * patterns; the command that starts (the process that will run, however the image is named); the image's
 * repository (the common runtime images); the environment the spec sets. Table-driven: a rule is a row below.
 * What none of them tells is unknown, and the container is left alone.
 */
public final class LanguageDetection {

  /** The executables that start a language's runtime (a shell's {@code -c} script is read for its first one). */
  private static final List<Rule> EXECUTABLES = List.of(
      new Rule(Language.JAVA, "java|jshell"),
      new Rule(Language.PYTHON, "python[0-9.]*|pypy[0-9.]*|gunicorn|uwsgi|celery|uvicorn|hypercorn|daphne|flask|"
          + "django-admin|manage\\.py"),
      new Rule(Language.NODEJS, "node|nodejs|npm|npx|yarn|pnpm"),
      new Rule(Language.DOTNET, "dotnet"));

  /**
   * The runtime images, by repository without registry, tag or digest ({@code docker.io/library/} dropped): the
   * official images and the common vendors' JDK, Python, Node.js and .NET images (distroless too).
   */
  private static final List<Rule> IMAGES = List.of(
      new Rule(Language.JAVA, "(.*/)?(eclipse-temurin|openjdk[^/]*|amazoncorretto|ibm-semeru-runtimes|sapmachine"
          + "|zulu-openjdk[^/]*|liberica-openj[^/]*|java[0-9]*(-debian[0-9]+)?|tomcat|jetty|jdk|jre)"),
      new Rule(Language.PYTHON, "(.*/)?(python|pypy|python[0-9.]*(-debian[0-9]+)?)"),
      new Rule(Language.NODEJS, "(library/)?node|(.*/)?nodejs[0-9]*(-debian[0-9]+)?"),
      new Rule(Language.DOTNET, "(.*/)?dotnet/(aspnet|runtime|sdk)"));

  /** Variables a spec sets for one runtime only. */
  private static final List<Rule> VARIABLES = List.of(
      new Rule(Language.JAVA, "JAVA_HOME|JAVA_VERSION|JAVA_OPTS|JDK_JAVA_OPTIONS"),
      new Rule(Language.PYTHON, "PYTHONPATH|PYTHON_VERSION|PYTHONUNBUFFERED|DJANGO_SETTINGS_MODULE|FLASK_APP"),
      new Rule(Language.NODEJS, "NODE_VERSION|NODE_OPTIONS|NODE_ENV"),
      new Rule(Language.DOTNET, "DOTNET_VERSION|ASPNETCORE_URLS|ASPNETCORE_ENVIRONMENT|DOTNET_RUNNING_IN_CONTAINER"));

  private static final Pattern SHELL = Pattern.compile("(ba|da|a)?sh");
  private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*");

  private record Rule(Language language, Pattern pattern) {
    Rule(Language language, String regex) {
      this(language, Pattern.compile(regex));
    }
  }

  /**
   * What detection found.
   *
   * @param language the language, or null when none was told
   * @param reason   how it was told (or why it was not), for the outcome
   */
  public record Detected(Language language, String reason) {
  }

  private LanguageDetection() {
  }

  /** {@code container}'s language, {@code patterns} being the Instrumentation's image patterns (may be null). */
  public static Detected detect(PodContainer container, List<ImagePattern> patterns) {
    String image = container.image();
    String repository = image == null ? null : repository(image);
    if (repository != null && patterns != null) {
      String named = withoutTag(image);
      for (ImagePattern pattern : patterns) {
        Pattern glob = pattern.getLanguage() == null || pattern.getImage() == null ? null : glob(pattern.getImage());
        if (glob != null && (glob.matcher(named).matches() || glob.matcher(repository).matches())) {
          Language language = Language.valueOf(pattern.getLanguage().name());
          return new Detected(language, "its image " + image + " matches " + pattern.getImage() + " of spec.selector.images");
        }
      }
    }
    String executable = executable(container.command(), container.args());
    if (executable != null) {
      Language language = match(EXECUTABLES, executable);
      if (language != null) {
        return new Detected(language, "its command starts " + executable);
      }
    }
    if (repository != null) {
      Language language = match(IMAGES, repository.startsWith("library/") && repository.indexOf('/', 8) < 0
          ? repository.substring(8) : repository);
      if (language != null) {
        return new Detected(language, "its image is " + image);
      }
    }
    for (JsonNode var : container.env()) {
      String name = EnvComposer.name(var);
      Language language = name == null ? null : match(VARIABLES, name);
      if (language != null) {
        return new Detected(language, "its environment sets " + name);
      }
    }
    return new Detected(null, "neither its image " + (image == null ? "(none)" : image)
        + (executable == null ? "" : ", its command " + executable) + " nor its environment tells a language");
  }

  private static Language match(List<Rule> rules, String value) {
    for (Rule rule : rules) {
      if (rule.pattern().matcher(value).matches()) {
        return rule.language();
      }
    }
    return null;
  }

  /**
   * The repository of {@code image}: without tag and digest, without the registry (a first part with a dot, a
   * colon or {@code localhost}), Docker Hub's {@code library/} kept only where it was written.
   */
  static String repository(String image) {
    String name = withoutTag(image);
    int first = name.indexOf('/');
    if (first > 0) {
      String head = name.substring(0, first);
      if (head.contains(".") || head.contains(":") || head.equals("localhost")) {
        name = name.substring(first + 1);
      }
    }
    return name;
  }

  /** {@code image} in lower case without tag and digest, its registry kept. */
  private static String withoutTag(String image) {
    String name = image.trim().toLowerCase(Locale.ROOT);
    int at = name.indexOf('@');
    if (at >= 0) {
      name = name.substring(0, at);
    }
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    return colon > slash ? name.substring(0, colon) : name;
  }

  /**
   * The program that will run: the command's first word, or the arguments' when the command is not set
   * (an image without an entrypoint runs them); a shell's {@code -c} script is read for its first program, past
   * {@code exec}, {@code env} and variable assignments. Null when nothing is set.
   */
  static String executable(List<String> command, List<String> args) {
    List<String> words = new ArrayList<>(command.isEmpty() ? args : command);
    if (!command.isEmpty() && SHELL.matcher(basename(words.get(0))).matches()) {
      List<String> all = new ArrayList<>(command);
      all.addAll(args);
      int script = all.indexOf("-c");
      if (script < 0 || script + 1 >= all.size()) {
        return basename(words.get(0));
      }
      words = List.of(all.get(script + 1).trim().split("\\s+"));
    }
    for (String word : words) {
      String base = basename(word);
      if (base.isEmpty() || base.equals("exec") || base.equals("env") || ASSIGNMENT.matcher(word).matches()) {
        continue;
      }
      return base;
    }
    return null;
  }

  private static String basename(String word) {
    return word.substring(word.lastIndexOf('/') + 1);
  }

  /** {@code *} matches any characters; everything else literally. */
  private static Pattern glob(String glob) {
    StringBuilder regex = new StringBuilder();
    for (String part : glob.toLowerCase(Locale.ROOT).split("\\*", -1)) {
      if (regex.length() > 0 || glob.startsWith("*")) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(part));
    }
    return Pattern.compile(regex.toString());
  }

  /** The languages detection may tell, as {@link Language} keys. */
  static final Map<String, Language> DETECTABLE = Map.of(Language.JAVA.key(), Language.JAVA, Language.NODEJS.key(),
      Language.NODEJS, Language.PYTHON.key(), Language.PYTHON, Language.DOTNET.key(), Language.DOTNET);
}
