package dev.labq.store.journal;

import dev.labq.store.Journal;
import dev.labq.store.testkit.ChildJvm;
import dev.labq.store.testkit.StoreChild;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.labq.store.testkit.Journals.assertOneToN;
import static dev.labq.store.testkit.Journals.numbersIn;
import static dev.labq.store.testkit.Journals.readAll;
import static org.junit.jupiter.api.Assertions.*;

/** Two processes appending numbered records to one journal at once, as `labq submit` and `labq serve` do. */
@Timeout(90)
class JournalCrossProcessIT {
    private static final int PER_PROCESS = 3_000;

    @TempDir
    Path home;

    @Test
    void numbersAreUniqueAndInJournalOrderAcrossTwoProcesses() throws Exception {
        Path dir = home.resolve("journal");
        Path sequence = home.resolve("sequence");
        try (Journal parent = Journal.open(dir, sequence);
             ChildJvm child = ChildJvm.start(home, "append-numbered", dir.toString(), sequence.toString(),
                     Integer.toString(PER_PROCESS))) {
            child.await("READY", Duration.ofSeconds(30));
            child.tell("GO");
            List<Long> mine = new ArrayList<>(PER_PROCESS);
            for (int i = 0; i < PER_PROCESS; i++) {
                mine.add(parent.appendNumbered(1, 1, 0L, StoreChild::payloadFor).number());
            }
            child.await("DONE", Duration.ofSeconds(30));
            child.awaitCleanExit(Duration.ofSeconds(30));

            List<Long> all = numbersIn(readAll(parent));
            assertOneToN(all, 2 * PER_PROCESS);
            Set<Long> theirs = new HashSet<>(all);
            theirs.removeAll(mine);
            assertEquals(PER_PROCESS, theirs.size(), "the child appended its own share of distinct numbers");
        }
    }

    @Test
    void closingOneJournalInstanceDoesNotLetAnotherProcessIntoANumberedAppendInProgress() throws Exception {
        Path dir = home.resolve("journal");
        Path sequence = home.resolve("sequence");
        try (Journal closing = Journal.open(dir, sequence);
             Journal appending = Journal.open(dir, sequence);
             ChildJvm child = ChildJvm.start(home, "append-numbered", dir.toString(), sequence.toString(), "1")) {
            child.await("READY", Duration.ofSeconds(30));
            Journal.Numbered mine = appending.appendNumbered(1, 1, 0L, number -> {
                try {
                    closing.close(); // e.g. a client in this JVM finishing while the scheduler appends
                    child.tell("GO");
                    // the child must stay blocked on the sequence lock until this append is done
                    child.printsWithin("DONE", Duration.ofSeconds(3));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return StoreChild.payloadFor(number);
            });
            child.awaitCleanExit(Duration.ofSeconds(30));

            assertEquals(1, mine.number());
            assertOneToN(numbersIn(readAll(appending)), 2);
        }
    }
}
