package dev.labq.core.intake;

import dev.labq.core.LabqException;
import dev.labq.core.decision.DecisionCore;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.UnknownJobException;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalWriter;
import dev.labq.core.execution.InProcessExecutor;
import dev.labq.core.notify.OutcomeNotifier;
import dev.labq.core.ring.Command;
import dev.labq.core.state.JobStatus;
import dev.labq.core.time.Clock;
import dev.labq.store.Journal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Client commands on the decision thread: validates each against the state, journals it, then replies.
 * Everything but a submission waits until the fold has caught up with what this stage journaled, so a
 * client reads its own writes (a hold right after a submit finds the job).
 *
 * <p>Assumptions and guarantees: used by the decision thread only; a reply completes only after its entry
 * is in the journal; a refused command journals nothing.
 */
public final class CommandIntake {
    private final DecisionCore core;
    private final JournalWriter journal;
    private final SubmissionValidator validator;
    private final InProcessExecutor tasks;
    private final OutcomeNotifier outcomes;
    private final Clock clock;
    private final Set<Long> acceptedNotApplied = new HashSet<>();
    private final List<Command> deferred = new ArrayList<>();
    /** {@link Command.AwaitApplied} waiting for the fold to reach their entries. */
    private final List<Command.AwaitApplied> awaiting = new ArrayList<>();

    public CommandIntake(DecisionCore core, JournalWriter journal, SubmissionValidator validator,
                         InProcessExecutor tasks, OutcomeNotifier outcomes, Clock clock) {
        this.core = core;
        this.journal = journal;
        this.validator = validator;
        this.tasks = tasks;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    /** Handles a command now, or later when it must see entries not yet folded ({@code lastApplied}). */
    public void handle(Command command, long lastApplied) {
        if (command instanceof Command.AwaitApplied a) {
            if (lastApplied >= a.index()) {
                a.reply().complete(null);
            } else {
                awaiting.add(a);
            }
            return;
        }
        if (!(command instanceof Command.Submit) && lastApplied < journal.appendedUpTo()) {
            deferred.add(command);
            return;
        }
        try {
            answer(command, lastApplied);
        } catch (RuntimeException e) {
            command.reply().completeExceptionally(e);
        }
    }

    private void answer(Command command, long lastApplied) {
        if (command instanceof Command.Submit s) {
            submit(s, lastApplied);
        } else if (command instanceof Command.Control c) {
            c.reply().complete(control(c));
        } else if (command instanceof Command.Alter a) {
            a.reply().complete(alter(a));
        } else if (command instanceof Command.SetProject p) {
            JournalEvent.ProjectSet set = new JournalEvent.ProjectSet(p.project(), p.user(), p.importance(), p.share());
            validator.acceptProjectSet(set);
            journal.append(set);
            p.reply().complete(null);
        } else if (command instanceof Command.Snapshot s) {
            s.reply().complete(snapshot(s.ids()));
        } else if (command instanceof Command.Query<?> q) {
            answer(q);
        }
    }

    private <T> void answer(Command.Query<T> query) {
        try {
            query.reply().complete(query.question().ask(core, clock.millis()));
        } catch (LabqException e) { // a refused request (an unknown device): the asker's error, not the stage's
            query.reply().completeExceptionally(e);
        }
    }

    /** The fold has applied {@code event}. */
    public void applied(JournalEvent event) {
        if (event instanceof JournalEvent.Submitted s) {
            acceptedNotApplied.remove(s.job().value());
        }
    }

    /**
     * Answers the commands waiting for entries up to {@code lastApplied}, and the deferred ones once the fold has
     * caught up with this stage's writes.
     */
    public void caughtUpTo(long lastApplied) {
        for (Iterator<Command.AwaitApplied> it = awaiting.iterator(); it.hasNext(); ) {
            Command.AwaitApplied a = it.next();
            if (a.index() <= lastApplied) {
                a.reply().complete(null);
                it.remove();
            }
        }
        if (!deferred.isEmpty() && lastApplied >= journal.appendedUpTo()) {
            List<Command> ready = List.copyOf(deferred);
            deferred.clear();
            ready.forEach(command -> handle(command, lastApplied));
        }
    }

    /** Fails every deferred command with {@code why}. */
    public void refuseDeferred(LabqException why) {
        deferred.forEach(command -> command.reply().completeExceptionally(why));
        deferred.clear();
        awaiting.forEach(command -> command.reply().completeExceptionally(why));
        awaiting.clear();
    }

    private void submit(Command.Submit s, long lastApplied) {
        JobSpec spec = validator.accept(s.spec(), id -> exists(id, lastApplied), clock.millis());
        Journal.Numbered numbered = journal.appendSubmission(spec);
        JobId id = JobId.of(numbered.number());
        acceptedNotApplied.add(id.value());
        if (s.task() != null) {
            tasks.register(id, s.task());
        }
        if (s.outcome() != null) {
            outcomes.await(id, s.outcome());
        }
        s.reply().complete(id);
    }

    private boolean exists(JobId id, long lastApplied) {
        return core.table().contains(id) || acceptedNotApplied.contains(id.value())
                || JournalLookup.submittedAfter(journal.journal(), lastApplied, id);
    }

    private JobStatus job(JobId id) {
        JobStatus job = core.table().get(id);
        if (job == null) {
            throw new UnknownJobException("job", id);
        }
        return job;
    }

    private JobStatus control(Command.Control c) {
        JobStatus job = job(c.job());
        journal.append(ControlRequests.entry(c.action(), core.table(), c.job(), c.wholeArray()));
        return job;
    }

    private JobStatus alter(Command.Alter a) {
        JobStatus job = job(a.job());
        validator.acceptAlteration(job, a.change(), clock.millis());
        journal.append(new JournalEvent.Altered(a.job(), a.change()));
        return job;
    }

    private List<JobStatus> snapshot(List<JobId> ids) {
        List<JobStatus> out = new ArrayList<>();
        if (ids.isEmpty()) {
            for (JobStatus job : core.table().all()) {
                out.add(withReason(job));
            }
        } else {
            for (JobId id : ids) {
                out.add(withReason(job(id)));
            }
        }
        return out;
    }

    private JobStatus withReason(JobStatus job) {
        if (job.state() != JobState.PENDING && job.state() != JobState.HELD) {
            return job;
        }
        return job.withReason(core.pendingReason(job));
    }
}
