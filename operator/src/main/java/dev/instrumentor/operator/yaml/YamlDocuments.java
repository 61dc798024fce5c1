package dev.instrumentor.operator.yaml;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Multi-document YAML in and out, as JSON trees (order and unknown fields kept). */
public final class YamlDocuments {

  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
      // "0.25" and "true" must stay strings: Kubernetes rejects numbers where strings belong
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .stringQuotingChecker(new StringsStayStrings())
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .build());

  /**
   * Quotes every string a YAML 1.1 or 1.2 reader could take for something else. Jackson's own check
   * only knows plain decimals, so {@code 1e3}, {@code 0x1F}, {@code 0o17}, {@code 1:20} (sexagesimal
   * in 1.1), {@code 2001-12-14} or a git SHA like {@code 4e12345} went out bare and came back as
   * numbers or dates. Any string that starts like a number ({@code 0-9 + - .}) is quoted: quoting a
   * string is always correct, and {@code -Xmx1g} in quotes reads the same.
   */
  static final class StringsStayStrings extends StringQuotingChecker {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean needToQuoteName(String name) {
      return isReservedKeyword(name) || looksLikeYAMLNumber(name);
    }

    @Override
    public boolean needToQuoteValue(String value) {
      return isReservedKeyword(value) || looksLikeYAMLNumber(value) || valueHasQuotableChar(value);
    }
  }

  private YamlDocuments() {
  }

  /**
   * The documents of {@code text}; empty documents are left out.
   *
   * @throws InputException naming {@code source} and the line of a syntax error
   */
  public static List<JsonNode> read(String source, String text) throws InputException {
    List<JsonNode> documents = new ArrayList<>();
    try (JsonParser parser = YAML.getFactory().createParser(text);
        MappingIterator<JsonNode> values = YAML.readValues(parser, JsonNode.class)) {
      while (values.hasNextValue()) {
        JsonNode document = values.nextValue();
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          documents.add(document);
        }
      }
    } catch (JsonProcessingException e) {
      // SnakeYAML marks where the token it was scanning began and where the problem is: name the problem's line
      int line = e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null
          ? marked.getProblemMark().getLine() + 1 : e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      String where = line < 0 ? "" : "line " + line + ": ";
      throw new InputException(source, "not valid YAML: " + where + e.getOriginalMessage());
    } catch (IOException | RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new InputException(source, "not valid YAML: " + firstLine(cause.getMessage()));
    }
    return documents;
  }

  /** The documents as one YAML stream, separated by {@code ---}. */
  public static String write(List<JsonNode> documents) {
    StringBuilder out = new StringBuilder();
    for (JsonNode document : documents) {
      out.append("---\n");
      try {
        String yaml = YAML.writeValueAsString(document);
        out.append(yaml);
        if (!yaml.endsWith("\n")) {
          out.append('\n');
        }
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    return out.toString();
  }

  /** One document, without a start marker. */
  public static String toYaml(JsonNode document) {
    try {
      return YAML.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
