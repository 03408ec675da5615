package dev.labq.cli;

import dev.labq.core.LabqException;
import dev.labq.core.view.ViewAudit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** Checks the views against the journal, or rebuilds them from it. */
@Command(name = "replay", description = {
        "Check the views against the journal, or rebuild them.",
        "--verify (the default) folds the journal afresh and compares it with the views (exit 8 on a",
        "difference); --rebuild rebuilds the views from the journal (needs the scheduler stopped)."})
final class ReplayCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @ArgGroup
    Mode mode;

    static final class Mode {
        @Option(names = "--verify", description = "compare views and journal (default)")
        boolean verify;

        @Option(names = "--rebuild", description = "rebuild the views from the journal")
        boolean rebuild;
    }

    @Override
    public Integer call() {
        if (mode != null && mode.rebuild) {
            long n = ViewAudit.rebuild(common.home(), folded -> common.invocation().err().printf("\rlabq replay: %,d entries folded", folded));
            common.invocation().err().println();
            common.invocation().out().printf("views rebuilt from %,d journal entries%n", n);
            return ExitCodes.OK;
        }
        ViewAudit.Report report = ViewAudit.verify(common.home());
        common.invocation().out().printf("folded %,d journal entries (up to index %d): %,d jobs%n",
                report.entriesFolded(), report.lastAppliedIndex(), report.jobs());
        if (report.agrees()) {
            common.invocation().out().println("views agree with the journal");
            return ExitCodes.OK;
        }
        report.differences().forEach(common.invocation().out()::println);
        throw new LabqException(LabqException.Kind.VERIFY_FAILED, report.differences().size()
                + " difference(s) between views and journal; stop the scheduler and run `labq replay --rebuild`");
    }
}
