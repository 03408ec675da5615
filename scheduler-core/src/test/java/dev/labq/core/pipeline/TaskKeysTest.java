package dev.labq.core.pipeline;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class TaskKeysTest {
    private static final TaskSpec OUTLIER = TaskSpec.builder("outlier").tool("outlier_detection")
            .config(Map.of("threshold", 0.95, "mode", "fast")).run("python", "main.py").build();

    @Test
    void hashesTheDocumentedIdentityDocument() throws Exception {
        String doc = TaskKeys.identityDocument(OUTLIER, TaskIdentity.COMMAND, List.of("bb", "aa", "bb"));
        assertEquals("{\"after\":[\"aa\",\"bb\"],\"command\":{\"run\":[\"python\",\"main.py\"]},"
                + "\"config\":{\"mode\":\"fast\",\"threshold\":0.95},\"tool\":\"outlier_detection\",\"v\":1}", doc);
        String key = TaskKeys.of(OUTLIER, TaskIdentity.COMMAND, List.of("bb", "aa", "bb"));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(doc.getBytes(StandardCharsets.UTF_8))), key);
        assertEquals(64, key.length());
        // Frozen: a change here changes every key of every journal, so it must be deliberate (bump TaskKeys.VERSION).
        assertEquals("2a1a851afa884566d791f0ea69aacaf0701d9416a1a74c345d2bc5d810ce3e27", TaskKeys.of(OUTLIER, TaskIdentity.COMMAND, List.of()));
    }

    @Test
    void shellCommandsAndTheConfigIdentityAreDocumentedToo() {
        TaskSpec shell = TaskSpec.builder("t").shell("echo hi").build();
        assertEquals("{\"after\":[],\"command\":{\"shell\":\"echo hi\"},\"config\":{},\"tool\":\"t\",\"v\":1}",
                TaskKeys.identityDocument(shell, TaskIdentity.COMMAND, List.of()));
        assertEquals("{\"after\":[],\"config\":{},\"tool\":\"t\",\"v\":1}",
                TaskKeys.identityDocument(shell, TaskIdentity.CONFIG, List.of()));
    }

    @Test
    void keysDependOnToolConfigCommandAndDependenciesOnly() {
        String base = TaskKeys.of(OUTLIER, TaskIdentity.COMMAND, List.of());
        TaskSpec sameWork = TaskSpec.builder("renamed").tool("outlier_detection").config(Map.of("mode", "fast", "threshold", 0.950))
                .run("python", "main.py").stage("pre").retries(3).outputs("x").env(Map.of("A", "1")).build();
        assertEquals(base, TaskKeys.of(sameWork, TaskIdentity.COMMAND, List.of()), "name, stage, retries, outputs, env are not identity");
        assertNotEquals(base, TaskKeys.of(OUTLIER, TaskIdentity.COMMAND, List.of("dep")));
        assertNotEquals(base, TaskKeys.of(TaskSpec.builder("outlier").tool("other").config(OUTLIER.config())
                .run("python", "main.py").build(), TaskIdentity.COMMAND, List.of()));
        assertNotEquals(base, TaskKeys.of(TaskSpec.builder("outlier").tool("outlier_detection").config(Map.of("threshold", 0.9))
                .run("python", "main.py").build(), TaskIdentity.COMMAND, List.of()));
        TaskSpec otherCommand = TaskSpec.builder("outlier").tool("outlier_detection").config(OUTLIER.config()).run("python3", "main.py").build();
        assertNotEquals(base, TaskKeys.of(otherCommand, TaskIdentity.COMMAND, List.of()));
        assertEquals(TaskKeys.of(OUTLIER, TaskIdentity.CONFIG, List.of()), TaskKeys.of(otherCommand, TaskIdentity.CONFIG, List.of()),
                "under identity config the command is how, not what");
        TaskSpec asShell = TaskSpec.builder("outlier").tool("outlier_detection").config(OUTLIER.config()).shell("python main.py").build();
        assertNotEquals(base, TaskKeys.of(asShell, TaskIdentity.COMMAND, List.of()), "an argv and a shell line are different commands");
    }
}
