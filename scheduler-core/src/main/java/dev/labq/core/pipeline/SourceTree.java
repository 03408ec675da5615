package dev.labq.core.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A YAML or JSON document read into a small tree whose every node knows its key path and line, so that a
 * rejection anywhere, even one found later while checking the graph, can say where it is. Jackson's data
 * binding drops lines once a value is bound; reading the token stream keeps them.
 *
 * <p>Refuses what would silently mean something else: duplicate keys, YAML aliases (Jackson reports
 * {@code *x} as the text {@code x}), more than one document.
 */
final class SourceTree {
    /**
     * SnakeYAML stops at 3 MiB of text by default; a pipeline of tens of thousands of task uses is larger.
     * 256 Mi code points bound the memory one file may take.
     */
    private static final YAMLFactory YAML = YAMLFactory.builder()
            .loaderOptions(yamlLimits())
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL) // as new YAMLFactory() has it: `key:` is null
            .build();
    private static final JsonFactory JSON = new JsonFactory();
    /** SnakeYAML names the line of a syntax error in its message; Jackson's location is the last token read. */
    private static final Pattern SNAKE_LINE = Pattern.compile("line (\\d+), column");

    /** What a node holds. */
    enum Kind { MAP, LIST, TEXT, NUMBER, BOOLEAN, NULL }

    /**
     * One value of the document.
     *
     * @param text   the scalar as written (numbers and booleans too: {@code run: [sleep, 10]} runs {@code 10})
     * @param number the exact value of a number, else {@code null}
     */
    record Node(Kind kind, String path, int line, Map<String, Node> map, List<Node> list, String text, BigDecimal number) {

        boolean isScalar() {
            return kind == Kind.TEXT || kind == Kind.NUMBER || kind == Kind.BOOLEAN;
        }

        /** The value for a message: a scalar as written, {@code null}, or {@code (a map)} / {@code (a list)}. */
        String describe() {
            return switch (kind) {
                case MAP -> "(a map)";
                case LIST -> "(a list)";
                default -> text;
            };
        }

        /** The value as plain Java: maps (in file order), lists, text, numbers, booleans, null; for configs. */
        Object plain() {
            return switch (kind) {
                case MAP -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    map.forEach((k, v) -> out.put(k, v.plain()));
                    yield out;
                }
                case LIST -> list.stream().map(Node::plain).collect(Collectors.toList());
                case TEXT -> text;
                case NUMBER -> number;
                case BOOLEAN -> Boolean.valueOf(text.toLowerCase(Locale.ROOT).matches("true|yes|on|y"));
                case NULL -> null;
            };
        }

        /** This map's entries, refusing any key outside {@code known}; {@code what} names the map in the fix. */
        Map<String, Node> entries(Set<String> known, String place, String what) {
            for (Map.Entry<String, Node> e : map.entrySet()) {
                if (!known.contains(e.getKey())) {
                    throw new InvalidPipelineException(e.getValue().path, place, e.getKey(), "(unknown key)",
                            "remove it or use one of " + known.stream().sorted().toList() + " under " + what);
                }
            }
            return map;
        }
    }

    /** The document; every node knows its line. */
    record Document(Node root, String source) {

        /** The line of {@code path}, or of the nearest enclosing key that has one (the document's first line at worst). */
        int lineOf(String path) {
            String p = path;
            Node found;
            while ((found = find(root, p)) == null) { // "" (the root) is always there
                int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
                p = cut < 0 ? "" : p.substring(0, cut);
            }
            return found.line;
        }

        /**
         * The node at {@code path} under {@code node}, descending only into the child whose path leads there
         * (only an error asks, so a walk beats keeping a map of every path while reading).
         */
        private static Node find(Node node, String path) {
            if (node.path.equals(path)) {
                return node;
            }
            Iterable<Node> children = node.kind == Kind.MAP ? node.map.values() : node.kind == Kind.LIST ? node.list : List.of();
            for (Node child : children) {
                if (leadsTo(child.path, path)) {
                    return find(child, path);
                }
            }
            return null;
        }

        private static boolean leadsTo(String prefix, String path) {
            return path.startsWith(prefix) && (path.length() == prefix.length()
                    || path.charAt(prefix.length()) == '.' || path.charAt(prefix.length()) == '[');
        }

        /** {@code e} located in this document. */
        InvalidPipelineException locate(InvalidPipelineException e) {
            return e.located(source, lineOf(e.path()));
        }
    }

    private SourceTree() {
    }

    private static LoaderOptions yamlLimits() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(256 * 1024 * 1024);
        return options;
    }

    /** Reads {@code text}: JSON when {@code source} ends in {@code .json}, else YAML (which also reads most JSON). */
    static Document read(String text, String source) {
        boolean json = source.toLowerCase(Locale.ROOT).endsWith(".json");
        try (JsonParser p = json ? JSON.createParser(text) : YAML.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new InvalidPipelineException("", "", "file", source, "the file is empty").located(source, 0);
            }
            Node root = node(p, "", source);
            if (p.nextToken() != null) {
                throw new InvalidPipelineException("", "", "file", source,
                        "the file holds more than one " + (json ? "JSON value" : "YAML document") + "; keep one")
                        .located(source, p.currentTokenLocation().getLineNr());
            }
            return new Document(root, source);
        } catch (JsonProcessingException e) {
            throw syntax(e, source, json);
        } catch (IOException e) {
            // Parsing a String performs no I/O; only a broken parser gets here.
            throw new IllegalStateException("reading " + source + " from memory failed", e);
        }
    }

    /** The value at the parser's token; a map's values get their key's line: that is where people look. */
    private static Node node(JsonParser p, String path, String source) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        if (p instanceof YAMLParser y && y.isCurrentAlias()) {
            throw new InvalidPipelineException(path, "", path, "*" + p.getText(),
                    "YAML aliases are not read; write the value out").located(source, line);
        }
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Node> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    String child = path.isEmpty() ? key : path + "." + key;
                    int keyLine = p.currentTokenLocation().getLineNr();
                    if (map.containsKey(key)) {
                        throw new InvalidPipelineException(child, "", key, "(duplicate key)",
                                "give each key once (first at line " + map.get(key).line + ")").located(source, keyLine);
                    }
                    p.nextToken();
                    Node value = node(p, child, source);
                    map.put(key, new Node(value.kind, child, keyLine, value.map, value.list, value.text, value.number));
                }
                return new Node(Kind.MAP, path, line, Collections.unmodifiableMap(map), null, null, null);
            }
            case START_ARRAY -> {
                List<Node> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(node(p, path + "[" + list.size() + "]", source));
                }
                return new Node(Kind.LIST, path, line, null, Collections.unmodifiableList(list), null, null);
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                BigDecimal exact;
                try {
                    exact = p.getDecimalValue();
                } catch (JsonProcessingException | NumberFormatException e) {
                    throw new InvalidPipelineException(path, "", path, p.getText(),
                            "not a JSON number (no .inf or .nan); quote it to mean text").located(source, line);
                }
                return new Node(Kind.NUMBER, path, line, null, null, p.getText(), exact);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new Node(Kind.BOOLEAN, path, line, null, null, p.getText(), null);
            }
            case VALUE_NULL -> {
                return new Node(Kind.NULL, path, line, null, null, null, null);
            }
            case VALUE_STRING -> {
                return new Node(Kind.TEXT, path, line, null, null, p.getText(), null);
            }
            default -> throw new InvalidPipelineException(path, "", path, "(not JSON)",
                    "give text, a number, a list or a map (not !!binary or another YAML type)").located(source, line);
        }
    }

    private static InvalidPipelineException syntax(JsonProcessingException e, String source, boolean json) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        Matcher snake = SNAKE_LINE.matcher(all);
        int line = snake.find() ? Integer.parseInt(snake.group(1))
                : e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        String original = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        List<String> telling = original.lines().map(String::strip)
                .filter(l -> l.matches("^(while|found|expected|mapping|could not|did not|but found).*")).toList();
        String why = telling.isEmpty() ? original.lines().findFirst().orElse(original).strip() : String.join("; ", telling);
        return new InvalidPipelineException("", "", "file", source,
                "the file is not valid " + (json ? "JSON" : "YAML") + ": " + why).located(source, Math.max(line, 0));
    }
}
