package dev.labq.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** config/pipeline.schema.json and PipelineFile describe one format: the same keys, values and closed maps. */
class PipelineSchemaTest {
    private static final JsonNode SCHEMA = read();

    private static JsonNode read() {
        try {
            // config/ ships inside the jar as dev/labq/config (see scheduler-core's pom)
            return new ObjectMapper().readTree(Fixtures.resource("/dev/labq/config/pipeline.schema.json"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> keys(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.get("properties").fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> enumOf(String property) {
        return StreamSupport.stream(SCHEMA.get("properties").get(property).get("enum").spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void namesTheKeysTheParserKnowsAndNoOthers() {
        assertEquals("https://json-schema.org/draft/2020-12/schema", SCHEMA.get("$schema").asText());
        assertEquals(new TreeSet<>(PipelineFile.PIPELINE_KEYS), keys(SCHEMA));
        assertEquals(new TreeSet<>(PipelineFile.WORKFLOW_KEYS), keys(SCHEMA.get("$defs").get("workflow")));
        assertEquals(new TreeSet<>(PipelineFile.TASK_KEYS), keys(SCHEMA.get("$defs").get("task")));
        assertEquals(new TreeSet<>(PipelineFile.RESOURCE_KEYS), keys(SCHEMA.get("$defs").get("resources")));
        for (JsonNode closed : List.of(SCHEMA, SCHEMA.get("$defs").get("workflow"), SCHEMA.get("$defs").get("task"),
                SCHEMA.get("$defs").get("resources"))) {
            assertFalse(closed.get("additionalProperties").asBoolean(true), "unknown keys are errors");
        }
    }

    @Test
    void allowsTheValuesTheParserAllows() {
        assertEquals(Arrays.stream(DedupScope.values()).map(DedupScope::wireName).toList(), enumOf("dedup"));
        assertEquals(Arrays.stream(OnFailure.values()).map(OnFailure::wireName).toList(), enumOf("onFailure"));
        assertEquals(Arrays.stream(TaskIdentity.values()).map(TaskIdentity::wireName).toList(), enumOf("identity"));
        assertEquals(List.of(PipelineSpec.POLICY_LANDSEER), enumOf("policy"));
        assertEquals(PipelineSpec.TOP_LEVEL_WORKFLOW,
                SCHEMA.get("$defs").get("workflow").get("properties").get("name").get("not").get("const").asText());
    }
}
