package dev.labq.core.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Small builders and readers shared by this package's tests. */
final class Fixtures {
    private Fixtures() {
    }

    /** A task running {@code run NAME} with tool {@code tool}, after {@code after}. */
    static TaskSpec task(String name, String tool, String... after) {
        return TaskSpec.builder(name).tool(tool).run("run", name).after(after).build();
    }

    /** A Landseer-style task: tool and config are its identity, dependencies by name. */
    static TaskSpec task(String name, String tool, Map<String, ?> config, String... after) {
        return TaskSpec.builder(name).tool(tool).config(config).run("run", tool).after(after).build();
    }

    static String resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The refusal of parsing {@code yaml} as pipeline file {@code p.yaml}. */
    static InvalidPipelineException refusal(String yaml) {
        return assertThrows(InvalidPipelineException.class, () -> PipelineFile.parse(yaml, "p.yaml"));
    }
}
