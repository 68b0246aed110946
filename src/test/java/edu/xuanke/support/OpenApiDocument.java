package edu.xuanke.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * /openapi.yaml as the tests read it: parsed strictly (a key defined twice is an error), its
 * operations listed, and real answers checked against it: the status must be documented for the
 * operation (a failure may fall to {@code default}), and a JSON body must match the status's
 * schema (JSON Schema 2020-12, as OpenAPI 3.1 uses it).
 */
public final class OpenApiDocument {

  private static final String BASE = "https://xuanke.invalid/openapi.json";
  private final JsonObject doc;
  private final SchemaRepository schemas;

  /** One documented operation: its method, path template ({id} style) and definition. */
  public record Operation(String method, String path, JsonObject definition) {
    /** The path with each {parameter} replaced by {@code value}. */
    public String filled(String value) {
      return path.replaceAll("\\{\\w+}", value);
    }
  }

  public OpenApiDocument() {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream("webroot/openapi.yaml")) {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      Object parsed = new Yaml(new SafeConstructor(options)).load(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      doc = new JsonObject(Json.encode(parsed));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // A copy: dereferencing annotates the objects it walks.
    schemas = SchemaRepository.create(options()).dereference(BASE, JsonSchema.of(doc.copy()));
  }

  private static JsonSchemaOptions options() {
    return new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri(BASE).setOutputFormat(OutputFormat.Basic);
  }

  public JsonObject json() {
    return doc;
  }

  public List<Operation> operations() {
    List<Operation> operations = new ArrayList<>();
    doc.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(op -> {
      if (op.getValue() instanceof JsonObject definition) {
        operations.add(new Operation(op.getKey().toUpperCase(), path.getKey(), definition));
      }
    }));
    return operations;
  }

  public Optional<Operation> operation(String method, String path) {
    return operations().stream().filter(o -> o.method.equals(method) && o.path.equals(path)).findFirst();
  }

  /** What is wrong with {@code response} as an answer of {@code operation}; empty when it matches. */
  public List<String> problems(Operation operation, HttpResponse<Buffer> response) {
    List<String> problems = new ArrayList<>();
    String where = operation.method + " " + operation.path + " → " + response.statusCode();
    JsonObject responses = operation.definition.getJsonObject("responses");
    String status = Integer.toString(response.statusCode());
    if (!responses.containsKey(status) && response.statusCode() >= 400) status = "default";
    JsonObject documented = responses.getJsonObject(status);
    if (documented == null) {
      problems.add(where + ": status not documented");
      return problems;
    }
    String pointer = "#/paths/" + escape(operation.path) + "/" + operation.method.toLowerCase() + "/responses/" + status;
    if (documented.containsKey("$ref")) {
      pointer = documented.getString("$ref");
      documented = resolve(documented);
    }
    String type = response.getHeader("Content-Type");
    JsonObject content = documented.getJsonObject("content");
    if (content == null) {
      if (response.body() != null && response.body().length() > 0 && !"HEAD".equals(operation.method)) {
        problems.add(where + ": a body where none is documented");
      }
      return problems;
    }
    String mediaType = type == null ? "" : type.split(";")[0].trim();
    JsonObject media = content.getJsonObject(mediaType);
    if (media == null) {
      problems.add(where + ": content type " + type + " not documented (" + content.fieldNames() + ")");
      return problems;
    }
    JsonObject schema = media.getJsonObject("schema");
    if (schema == null || !mediaType.equals("application/json")) return problems;
    Object body;
    try {
      body = Json.decodeValue(response.body());
    } catch (RuntimeException e) {
      problems.add(where + ": not JSON: " + response.bodyAsString());
      return problems;
    }
    OutputUnit result = schemas.validator(BASE + pointer + "/content/" + escape(mediaType) + "/schema").validate(body);
    if (!Boolean.TRUE.equals(result.getValid())) {
      problems.add(where + ": " + errors(result) + " in " + truncated(response.bodyAsString()));
    }
    return problems;
  }

  private static String escape(String pointerPart) {
    return pointerPart.replace("~", "~0").replace("/", "~1");
  }

  private JsonObject resolve(JsonObject maybeRef) {
    String ref = maybeRef.getString("$ref");
    if (ref == null) return maybeRef;
    Object at = doc;
    for (String part : ref.substring(2).split("/")) at = ((JsonObject) at).getValue(part.replace("~1", "/").replace("~0", "~"));
    return (JsonObject) at;
  }

  private static String errors(OutputUnit result) {
    List<String> errors = new ArrayList<>();
    if (result.getErrors() != null) {
      for (OutputUnit error : result.getErrors()) errors.add(error.getInstanceLocation() + " " + error.getError());
    }
    if (errors.isEmpty()) errors.add(String.valueOf(result.getError()));
    return errors.toString();
  }

  private static String truncated(String body) {
    return body == null || body.length() < 400 ? body : body.substring(0, 400) + "…";
  }

  /** The documented request body schema of an operation, if it takes JSON. */
  public Optional<JsonObject> requestSchema(Operation operation) {
    JsonObject body = operation.definition.getJsonObject("requestBody");
    if (body == null) return Optional.empty();
    JsonObject media = body.getJsonObject("content", new JsonObject()).getJsonObject("application/json");
    return media == null ? Optional.empty() : Optional.of(resolve(media.getJsonObject("schema")));
  }

  /** The documented parameters of an operation (path and query). */
  public List<JsonObject> parameters(Operation operation) {
    JsonArray parameters = operation.definition.getJsonArray("parameters", new JsonArray());
    List<JsonObject> out = new ArrayList<>();
    parameters.forEach(p -> out.add(resolve((JsonObject) p)));
    return out;
  }

  public Map<String, Object> schema(String name) {
    return doc.getJsonObject("components").getJsonObject("schemas").getJsonObject(name).getMap();
  }
}
