package dev.instrumentor.webhook.admission;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.instrumentor.webhook.json.AdmissionJson;
import java.io.IOException;

/**
 * The {@code apiVersion} and {@code request.uid} of an AdmissionReview, read with a streaming
 * parser from bytes that may be truncated or corrupt after them. The API server matches an answer
 * to its request by uid, so finding it lets even a broken request get a well-formed answer.
 */
record RequestIdentity(String apiVersion, String uid) {

  static RequestIdentity scan(byte[] body, int length) {
    String apiVersion = null;
    String uid = null;
    try (JsonParser parser = AdmissionJson.MAPPER.createParser(body, 0, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return new RequestIdentity(null, null);
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("apiVersion".equals(field) && value == JsonToken.VALUE_STRING) {
          apiVersion = parser.getText();
        } else if ("request".equals(field) && value == JsonToken.START_OBJECT) {
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String requestField = parser.currentName();
            JsonToken requestValue = parser.nextToken();
            if ("uid".equals(requestField) && requestValue == JsonToken.VALUE_STRING) {
              uid = parser.getText();
              if (apiVersion != null) {
                return new RequestIdentity(apiVersion, uid);
              }
            } else {
              parser.skipChildren();
            }
          }
        } else {
          parser.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      // truncated or corrupt: keep what was read before the damage
    }
    return new RequestIdentity(apiVersion, uid);
  }
}
