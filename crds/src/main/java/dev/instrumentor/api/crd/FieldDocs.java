package dev.instrumentor.api.crd;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Javadoc of the model's fields, read from their sources, put into the schema as the
 * descriptions {@code kubectl explain} shows: one text, written once, above the field.
 */
final class FieldDocs {

  /** A Javadoc comment, the field's annotations, then {@code private Type name;}. */
  private static final Pattern FIELD = Pattern.compile(
      "/\\*\\*((?:(?!\\*/).)*)\\*/\\s*((?:@[^\\n]*\\n\\s*)*)private\\s+[^;=(]+?\\s+(\\w+)\\s*;", Pattern.DOTALL);

  private final Path sources;
  private final Map<Class<?>, Map<String, String>> byClass = new HashMap<>();

  FieldDocs(Path sources) {
    this.sources = sources;
  }

  /** Describes every property of {@code schema} that is a documented field of {@code type}, recursively. */
  void describe(JSONSchemaProps schema, Class<?> type) {
    if (schema == null || schema.getProperties() == null) {
      return;
    }
    // the fields of the class and of the classes it extends (the language blocks share AgentSpec's)
    for (Class<?> declaring = type; declaring != null && declaring != Object.class; declaring = declaring.getSuperclass()) {
      describeDeclared(schema, declaring);
    }
  }

  private void describeDeclared(JSONSchemaProps schema, Class<?> type) {
    for (Field field : type.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      JsonProperty renamed = field.getAnnotation(JsonProperty.class);
      JSONSchemaProps property = schema.getProperties().get(renamed != null ? renamed.value() : field.getName());
      if (property == null) {
        continue;
      }
      String doc = docs(type).get(field.getName());
      if (doc == null) {
        throw new IllegalStateException(type.getName() + "." + field.getName()
            + " has no Javadoc: it is the description kubectl explain shows");
      }
      property.setDescription(doc);
      Class<?> element = field.getType();
      JSONSchemaProps elementSchema = property;
      if (List.class.isAssignableFrom(element) && field.getGenericType() instanceof ParameterizedType list) {
        Type argument = list.getActualTypeArguments()[0];
        element = argument instanceof Class<?> c ? c : Object.class;
        elementSchema = property.getItems() == null ? null : property.getItems().getSchema();
      }
      if (!element.isEnum() && element.getPackage() != null && element.getPackage().equals(type.getPackage())) {
        describe(elementSchema, element);
      }
    }
  }

  private Map<String, String> docs(Class<?> type) {
    return byClass.computeIfAbsent(type, t -> {
      Path file = sources.resolve(t.getName().replace('.', '/') + ".java");
      String source;
      try {
        source = Files.readString(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + " for its field Javadoc", e);
      }
      Map<String, String> docs = new HashMap<>();
      Matcher matcher = FIELD.matcher(source);
      while (matcher.find()) {
        docs.put(matcher.group(3), text(matcher.group(1)));
      }
      return docs;
    });
  }

  /** The comment's text: one line, leading asterisks and {@code {@code x}} markup removed. */
  static String text(String comment) {
    StringBuilder text = new StringBuilder();
    for (String line : comment.split("\n")) {
      String trimmed = line.trim();
      if (trimmed.startsWith("*")) {
        trimmed = trimmed.substring(1).trim();
      }
      if (!trimmed.isEmpty()) {
        if (text.length() > 0) {
          text.append(' ');
        }
        text.append(trimmed);
      }
    }
    return text.toString().replaceAll("\\{@(?:code|link) ([^}]*)}", "$1");
  }
}
