package dev.instrumentor.operator.yaml;

/** Bad input to the preview: names the source (file or stdin) and what is wrong with it. */
public final class InputException extends Exception {

  private static final long serialVersionUID = 1L;

  public InputException(String source, String problem) {
    super(source + ": " + problem);
  }
}
