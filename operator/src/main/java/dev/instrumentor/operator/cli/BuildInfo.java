package dev.instrumentor.operator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** What the build stamped into the jar. */
public final class BuildInfo implements IVersionProvider {

  private static final String RESOURCE = "/instrumentor-build.properties";

  /** The version of Instrumentor, e.g. {@code 0.1.0}. */
  public static String version() {
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"instrumentor " + version()};
  }
}
