package dev.kvx.apiserver.openapi;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code /openapi/v2}: kubectl ≤ 1.31 reads it (as the gnostic {@code openapi_v2.Document}
 * protobuf) to validate {@code create -f} and {@code apply -f} on the client, and newer kubectl
 * falls back to it for kinds missing from v3. kvx validates on the server ({@code
 * fieldValidation}), so it publishes a document without definitions: kubectl then has no schema
 * to check a kind against and leaves validation to the server, as it does upstream for kinds a
 * document does not define.
 */
public final class OpenApiV2 {

  /** What kube-openapi answers with ('@' would not parse as a media type in Go clients). */
  public static final String PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  private OpenApiV2() {}

  /** The document as protobuf: {@code swagger = "2.0"} and {@code info {title, version}}. */
  public static byte[] protobuf() {
    try {
      ByteArrayOutputStream info = new ByteArrayOutputStream();
      CodedOutputStream i = CodedOutputStream.newInstance(info);
      i.writeString(1, "Kubernetes");
      i.writeString(2, "v1.32.0");
      i.flush();
      ByteArrayOutputStream doc = new ByteArrayOutputStream();
      CodedOutputStream d = CodedOutputStream.newInstance(doc);
      d.writeString(1, "2.0");
      d.writeBytes(2, ByteString.copyFrom(info.toByteArray()));
      d.flush();
      return doc.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same document as JSON, for clients that ask for it. */
  public static String json() {
    return "{\"swagger\":\"2.0\",\"info\":{\"title\":\"Kubernetes\",\"version\":\"v1.32.0\"},\"paths\":{},"
        + "\"definitions\":{}}";
  }
}
