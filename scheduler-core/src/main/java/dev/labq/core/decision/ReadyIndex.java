package dev.labq.core.decision;

import dev.labq.core.domain.ArrayTask;
import dev.labq.core.domain.Resources;
import dev.labq.core.policy.priority.KeyLine;
import dev.labq.core.state.JobStatus;

import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The pending jobs that could start now (dependencies met, not being dispatched), ordered by priority: higher
 * {@code jobKey + accountKey} first, then the lower tiebreak, the earlier submission, the lower id.
 *
 * <p>A job's own key is a {@link KeyLine}: it rises with time at a rate the policy gives (its age) until the
 * line ends. Jobs are kept in three levels so that neither time nor usage re-orders them one by one:
 * <ul>
 *   <li>an <b>account</b> (project and user) holds the part of the priority all its jobs share (fair share,
 *       which moves with every start, end and second): changing it re-orders all its jobs in O(1);</li>
 *   <li>a <b>lane</b> holds an account's jobs whose keys rise at one rate: they keep their order as time
 *       passes, so within a lane they are ordered by the lines' origins, and only jobs whose line ends are
 *       re-keyed ({@link #rekeyExpired});</li>
 *   <li>a <b>group</b> holds a lane's jobs of one shape (resources): every job of a group fits, or does not, in
 *       the same free resources and budget, so backfill asks once per group; within it jobs are ordered by key
 *       and, for backfill's "ends before the reservation", also by time limit.</li>
 * </ul>
 * The first job overall is the best group head over the lanes (O(lanes) plus the groups a budget holds
 * back); backfill looks at each shape that fits, then each of its groups. Not thread-safe: owned by the
 * decision thread.
 */
final class ReadyIndex {
    /** A time limit of none: never ends before anything. */
    static final long NO_LIMIT = Long.MAX_VALUE;

    /** Within a lane: the line's origin (the same rate, so the same order at every instant), then {@link #after}. */
    private static final Comparator<Entry> WITHIN = (a, b) -> {
        int c = Double.compare(b.origin, a.origin);
        return c != 0 ? c : after(a, b);
    };
    private static final Comparator<Entry> BY_LIMIT = (a, b) -> {
        int c = Long.compare(a.limitSeconds, b.limitSeconds);
        return c != 0 ? c : Long.compare(a.job.id().value(), b.job.id().value());
    };
    private static final Comparator<Group> BY_BEST = (a, b) -> WITHIN.compare(a.best(), b.best());

    /** One ready job and its key line (re-keyed in place; out of every tree meanwhile). */
    static final class Entry {
        final JobStatus job;
        final long tiebreak;
        double origin;
        long validUntilMillis;
        final long limitSeconds;
        Group group;
        /** False once removed or replaced: the expiry wheel drops it when its second comes. */
        boolean live = true;

        Entry(JobStatus job, KeyLine line, long tiebreak) {
            this.job = job;
            this.tiebreak = tiebreak;
            this.origin = line.origin();
            this.validUntilMillis = line.validUntilMillis();
            Long limit = job.spec().timeLimitSeconds();
            this.limitSeconds = limit == null ? NO_LIMIT : limit;
        }

        /** Its priority now: the key line at the lane's time plus the account's part, as the policy adds them. */
        double total() {
            return (origin + group.lane.offset) + group.lane.account.key;
        }
    }

    /** A project and user, with the part of the priority all their jobs share. */
    static final class Account {
        final String project;
        final String user;
        double key;
        final List<Lane> lanes = new ArrayList<>(2);
        /** What the decision core learnt of the account's budgets (it owns the meaning); 0 until it looks. */
        int budgetKind;

        Account(String project, String user, double key) {
            this.project = project;
            this.user = user;
            this.key = key;
        }
    }

    /** An account's jobs whose keys rise at one rate, their groups ordered by their best job. */
    static final class Lane {
        final Account account;
        final double perMilli;
        /** {@code perMilli x now}: what every key line of the lane has risen by at the index's time. */
        double offset;
        final TreeSet<Group> groups = new TreeSet<>(BY_BEST);
        final Map<GroupKey, Group> byShape = new HashMap<>();

        Lane(Account account, double perMilli) {
            this.account = account;
            this.perMilli = perMilli;
        }
    }

    /**
     * A lane's jobs of one shape; the tasks of an array with a running limit make a group of their own, so the
     * limit, like a budget, holds the group back as one. The decision core keeps its per-decision marks on it.
     */
    static final class Group {
        final Lane lane;
        final Resources shape;
        /** The array whose tasks these are when it limits how many run at once, else 0. */
        final long limitedArray;
        /** That array's running limit, else 0. */
        final int maxRunning;
        TreeSet<Entry> byKey = new TreeSet<>(WITHIN);
        TreeSet<Entry> byLimit = new TreeSet<>(BY_LIMIT);
        /** {@code byKey.first()}, kept: asked for at every step of a decision. */
        private Entry best;
        private int slot;
        /** The shape it is one of the groups of. */
        Shape of;
        /** The decision at which a budget held this group back, or a placement refused its shape. */
        long blockedAt = -1;
        long refusedAt = -1;

        Group(Lane lane, Resources shape, long limitedArray, int maxRunning) {
            this.lane = lane;
            this.shape = shape;
            this.limitedArray = limitedArray;
            this.maxRunning = maxRunning;
        }

        Entry best() {
            return best;
        }

        private void bestChanged() {
            best = byKey.isEmpty() ? null : byKey.first();
        }

        String project() {
            return lane.account.project;
        }

        String user() {
            return lane.account.user;
        }

        /** The best job that passes {@code ok}, or null. */
        Entry bestWhere(Predicate<Entry> ok) {
            for (Entry e : byKey) {
                if (ok.test(e)) {
                    return e;
                }
            }
            return null;
        }

        /**
         * The best job with a time limit of at most {@code maxLimitSeconds} that passes {@code ok} and comes
         * before {@code toBeat} (null: any), or null. Walks the jobs in key order (the first that qualifies is
         * the answer; one after {@code toBeat} ends the search) and in limit order (once past the limit, the
         * best seen is the answer) in step, so it costs the shortest of the walks.
         */
        Entry bestEndingBy(long maxLimitSeconds, Predicate<Entry> ok, Entry toBeat) {
            if (byLimit.isEmpty() || byLimit.first().limitSeconds > maxLimitSeconds) {
                return null;
            }
            Iterator<Entry> inKeyOrder = byKey.iterator();
            Iterator<Entry> inLimitOrder = byLimit.iterator();
            Entry bestSeen = null;
            while (inKeyOrder.hasNext()) {
                Entry e = inKeyOrder.next();
                if (toBeat != null && compare(e, toBeat) >= 0) {
                    return null; // it and all after it lose; a qualifying one before it would have been returned
                }
                if (e.limitSeconds <= maxLimitSeconds && ok.test(e)) {
                    return e;
                }
                Entry f = inLimitOrder.hasNext() ? inLimitOrder.next() : null;
                if (f == null || f.limitSeconds > maxLimitSeconds) {
                    return bestSeen;
                }
                if ((bestSeen == null || WITHIN.compare(f, bestSeen) < 0) && ok.test(f)) {
                    bestSeen = f;
                }
            }
            return bestSeen; // every job seen in key order, none qualified
        }
    }

    /** The groups of one resource shape, over all lanes: backfill's unit. */
    static final class Shape {
        final Resources resources;
        final List<Group> groups = new ArrayList<>();

        Shape(Resources resources) {
            this.resources = resources;
        }
    }

    private record AccountKey(String project, String user) {
    }

    /** A group within its lane: a shape, and the limited array its tasks are of (0: none). */
    private record GroupKey(Resources resources, long limitedArray) {
        static GroupKey of(JobStatus job) {
            ArrayTask task = job.spec().array();
            boolean limited = task != null && task.limited();
            return new GroupKey(job.spec().resources(), limited ? task.arrayId() : 0);
        }
    }

    private final Map<Long, Entry> byId = new HashMap<>();
    private final Map<AccountKey, Account> accounts = new HashMap<>();
    private final List<Lane> lanes = new ArrayList<>();
    private final Map<Resources, Shape> shapes = new HashMap<>();
    /**
     * Entries whose line ends, by the second it ends in: a hashed wheel, O(1) per entry, which a cursor walks
     * second by second (or, after a long gap, by its sorted slots). A heap or tree of every ready job's
     * expiry cost more in cache misses than the re-keying itself. Entries since re-keyed or removed are
     * dropped when their second comes, or in a sweep once they outnumber the live ones.
     */
    private final Map<Long, ArrayList<Entry>> expiring = new HashMap<>();
    private long expiringCount;
    /** Every second before this one has been re-keyed; {@code Long.MIN_VALUE} before the first call. */
    private long cursorSecond = Long.MIN_VALUE;
    private long nowMillis;

    /** Orders entries of different groups: higher total first; equal totals as within a lane, else {@link #after}. */
    static int compare(Entry a, Entry b) {
        int c = Double.compare(b.total(), a.total());
        if (c != 0) {
            return c;
        }
        return a.group.lane == b.group.lane ? WITHIN.compare(a, b) : after(a, b);
    }

    private static int after(Entry a, Entry b) {
        int c = Long.compare(a.tiebreak, b.tiebreak);
        if (c != 0) {
            return c;
        }
        c = Long.compare(a.job.submitMillis(), b.job.submitMillis());
        return c != 0 ? c : Long.compare(a.job.id().value(), b.job.id().value());
    }

    /** Moves the index to {@code millis}: every lane's keys have risen by their rate times it. */
    void setTime(long millis) {
        nowMillis = millis;
        for (Lane lane : lanes) {
            lane.offset = lane.perMilli * millis;
        }
    }

    /** Adds a job (replacing it when present) with its key line; its account's key is what it was set to. */
    Entry add(JobStatus job, KeyLine line, long tiebreak, double accountKeyIfNew) {
        remove(job.id().value());
        Entry entry = new Entry(job, line, tiebreak);
        Group group = groupFor(job, line.perMilli(), accountKeyIfNew);
        insert(group, entry);
        index(entry);
        return entry;
    }

    private void index(Entry entry) {
        byId.put(entry.job.id().value(), entry);
        schedule(entry);
    }

    private void schedule(Entry entry) {
        if (entry.validUntilMillis != Long.MAX_VALUE) {
            expiring.computeIfAbsent(Math.floorDiv(entry.validUntilMillis, 1000L), k -> new ArrayList<>(4)).add(entry);
            expiringCount++;
        }
    }

    private Group groupFor(JobStatus job, double perMilli, double accountKeyIfNew) {
        String project = job.spec().project();
        String user = job.spec().user();
        Account account = accounts.computeIfAbsent(new AccountKey(project, user), k -> new Account(project, user, accountKeyIfNew));
        Lane lane = null;
        for (Lane l : account.lanes) {
            if (Double.compare(l.perMilli, perMilli) == 0) {
                lane = l;
                break;
            }
        }
        if (lane == null) {
            lane = new Lane(account, perMilli);
            lane.offset = perMilli * nowMillis;
            account.lanes.add(lane);
            lanes.add(lane);
        }
        Resources resources = job.spec().resources();
        GroupKey key = GroupKey.of(job);
        Group group = lane.byShape.get(key);
        if (group == null) {
            group = new Group(lane, resources, key.limitedArray(),
                    key.limitedArray() == 0 ? 0 : job.spec().array().maxRunning());
            lane.byShape.put(key, group);
            Shape shape = shapes.computeIfAbsent(resources, Shape::new);
            group.of = shape;
            group.slot = shape.groups.size();
            shape.groups.add(group);
        }
        return group;
    }

    private static void insert(Group group, Entry entry) {
        entry.group = group;
        boolean empty = group.byKey.isEmpty();
        boolean newBest = empty || WITHIN.compare(entry, group.best()) < 0;
        if (newBest && !empty) {
            group.lane.groups.remove(group); // before its best changes: the lane's order is by it
        }
        group.byKey.add(entry);
        if (entry.limitSeconds != NO_LIMIT) {
            group.byLimit.add(entry);
        }
        if (newBest) {
            group.best = entry;
            group.lane.groups.add(group);
        }
    }

    /** Removes a job; returns whether it was there. */
    boolean remove(long id) {
        Entry entry = byId.remove(id);
        if (entry == null) {
            return false;
        }
        entry.live = false;
        Group group = entry.group;
        Lane lane = group.lane;
        boolean wasBest = group.best() == entry;
        if (wasBest) {
            lane.groups.remove(group);
        }
        group.byKey.remove(entry);
        if (entry.limitSeconds != NO_LIMIT) {
            group.byLimit.remove(entry);
        }
        if (wasBest) {
            group.bestChanged();
        }
        if (!group.byKey.isEmpty()) {
            if (wasBest) {
                lane.groups.add(group);
            }
            return true;
        }
        lane.byShape.remove(new GroupKey(group.shape, group.limitedArray));
        Shape shape = shapes.get(group.shape);
        Group last = shape.groups.remove(shape.groups.size() - 1);
        if (last != group) {
            last.slot = group.slot;
            shape.groups.set(group.slot, last);
        }
        if (shape.groups.isEmpty()) {
            shapes.remove(group.shape);
        }
        if (lane.byShape.isEmpty()) {
            lane.account.lanes.remove(lane);
            lanes.remove(lane);
            if (lane.account.lanes.isEmpty()) {
                accounts.remove(new AccountKey(lane.account.project, lane.account.user));
            }
        }
        return true;
    }

    /** Re-keys every job whose line ended by {@code millis}; returns how many. */
    int rekeyExpired(long millis, Function<JobStatus, KeyLine> lineOf) {
        long second = Math.floorDiv(millis, 1000L);
        int rekeyed = 0;
        if (cursorSecond == Long.MIN_VALUE || second - cursorSecond > expiring.size()) {
            // A long gap (or the first call): visit the slots that are due, in order, rather than every second.
            long[] due = expiring.keySet().stream().mapToLong(Long::longValue).filter(k -> k <= second).sorted().toArray();
            for (long slot : due) {
                rekeyed += rekeySlot(slot, millis, lineOf);
            }
        } else {
            // Whole seconds before this one, then this one: a line re-keyed now ends after now, maybe within it.
            for (long slot = cursorSecond; slot <= second; slot++) {
                rekeyed += rekeySlot(slot, millis, lineOf);
            }
        }
        cursorSecond = second;
        if (expiringCount > 2L * byId.size() + 4096) {
            sweepExpiring();
        }
        return rekeyed;
    }

    private int rekeySlot(long slotSecond, long millis, Function<JobStatus, KeyLine> lineOf) {
        ArrayList<Entry> slot = expiring.remove(slotSecond);
        if (slot == null) {
            return 0;
        }
        List<Entry> notYet = new ArrayList<>();
        int rekeyed = 0;
        for (Entry entry : slot) {
            expiringCount--;
            if (!entry.live || Math.floorDiv(entry.validUntilMillis, 1000L) != slotSecond) {
                continue; // removed, or re-keyed to another second since
            }
            if (entry.validUntilMillis > millis) {
                notYet.add(entry); // later in the current second
                continue;
            }
            rekey(entry, lineOf.apply(entry.job));
            rekeyed++;
        }
        if (!notYet.isEmpty()) {
            expiring.computeIfAbsent(slotSecond, k -> new ArrayList<>(notYet.size())).addAll(notYet);
            expiringCount += notYet.size();
        }
        return rekeyed;
    }

    private void sweepExpiring() {
        expiring.clear();
        expiringCount = 0;
        for (Entry entry : byId.values()) {
            schedule(entry);
        }
    }

    /** A new line for a ready job: in place when it stays in its lane (the usual case), else moved. */
    private void rekey(Entry entry, KeyLine line) {
        Group group = entry.group;
        if (Double.compare(line.perMilli(), group.lane.perMilli) != 0) {
            add(entry.job, line, entry.tiebreak, group.lane.account.key);
            return;
        }
        boolean wasBest = group.best() == entry;
        if (wasBest) {
            group.lane.groups.remove(group);
        }
        group.byKey.remove(entry);
        if (wasBest) {
            group.bestChanged();
        }
        entry.origin = line.origin();
        entry.validUntilMillis = line.validUntilMillis();
        boolean becomesBest = group.byKey.isEmpty() || WITHIN.compare(entry, group.best()) < 0;
        if (becomesBest && !wasBest) {
            group.lane.groups.remove(group);
        }
        group.byKey.add(entry); // the limit order does not depend on the key
        if (becomesBest) {
            group.best = entry;
        }
        if (wasBest || becomesBest) {
            group.lane.groups.add(group);
        }
        schedule(entry);
    }

    /** Re-keys every job at once (a recompute on demand, the highest importance changed). */
    void rekeyAll(Function<JobStatus, KeyLine> lineOf) {
        rekeyAccounts(account -> true, lineOf);
    }

    /**
     * Re-keys every job of the accounts {@code which} selects (a project's importance changed), in place:
     * each group's jobs get their new lines and the group's tree is rebuilt from the re-sorted run (mostly
     * still in order, which a merge sort handles in near-linear time) in linear time, then each lane's tree
     * of groups; the limit order does not depend on keys and stays. A job whose line now rises at another
     * rate moves lanes afterwards, one by one (rare: its age reached the cap since it was last keyed).
     */
    void rekeyAccounts(Predicate<Account> which, Function<JobStatus, KeyLine> lineOf) {
        List<Entry> moving = new ArrayList<>();
        List<KeyLine> movingLines = new ArrayList<>();
        for (Lane lane : lanes) {
            if (!which.test(lane.account)) {
                continue;
            }
            Group[] groups = lane.byShape.values().toArray(new Group[0]);
            for (Group group : groups) {
                Entry[] entries = group.byKey.toArray(new Entry[0]);
                for (Entry entry : entries) {
                    KeyLine line = lineOf.apply(entry.job);
                    if (Double.compare(line.perMilli(), lane.perMilli) != 0) {
                        moving.add(entry); // keeps its old key until it moves, so the trees stay consistent
                        movingLines.add(line);
                        continue;
                    }
                    entry.origin = line.origin();
                    if (entry.validUntilMillis != line.validUntilMillis()) {
                        entry.validUntilMillis = line.validUntilMillis();
                        schedule(entry); // an unchanged expiry keeps its place on the wheel
                    }
                }
                Arrays.sort(entries, WITHIN);
                group.byKey = sortedTree(entries, WITHIN);
                group.bestChanged();
            }
            Arrays.sort(groups, BY_BEST);
            lane.groups.clear();
            lane.groups.addAll(new Sorted<>(groups, BY_BEST));
        }
        for (int i = 0; i < moving.size(); i++) {
            Entry entry = moving.get(i);
            add(entry.job, movingLines.get(i), entry.tiebreak, entry.group.lane.account.key);
        }
    }

    private static TreeSet<Entry> sortedTree(Entry[] sorted, Comparator<Entry> order) {
        TreeSet<Entry> tree = new TreeSet<>(order);
        tree.addAll(new Sorted<>(sorted, order));
        return tree;
    }

    Entry get(long id) {
        return byId.get(id);
    }

    boolean contains(long id) {
        return byId.containsKey(id);
    }

    int size() {
        return byId.size();
    }

    /** The accounts with ready jobs. */
    Iterable<Account> accounts() {
        return accounts.values();
    }

    /** How many groups (distinct account, key rate and resources) hold ready jobs. */
    int groupCount() {
        int groups = 0;
        for (Shape shape : shapes.values()) {
            groups += shape.groups.size();
        }
        return groups;
    }

    /** The shapes with ready jobs, in no order; do not change the index while iterating. */
    Collection<Shape> shapes() {
        return shapes.values();
    }

    /**
     * The best job that {@code admitted} lets start: per lane, its groups best first, asking each group for its
     * best admitted job ({@code null}: none), until a group's best cannot beat what was found.
     */
    Entry first(Function<Group, Entry> admitted) {
        Entry best = null;
        for (Lane lane : lanes) {
            for (Group group : lane.groups) {
                Entry head = group.best();
                if (best != null && compare(head, best) >= 0) {
                    break; // the lane's other groups are worse still
                }
                Entry candidate = admitted.apply(group);
                if (candidate == null) {
                    continue;
                }
                if (best == null || compare(candidate, best) < 0) {
                    best = candidate;
                }
                if (candidate == head) {
                    break;
                }
            }
        }
        return best;
    }

    /** The job that runs next when every job is admitted, or {@code null} when none is ready. */
    Entry first() {
        return first(Group::best);
    }

    /** Every job, first to last: a merge of the groups (O(n log groups)). Do not change the index meanwhile. */
    Iterable<Entry> inOrder() {
        return () -> new Iterator<>() {
            private final PriorityQueue<Cursor> heads = new PriorityQueue<>((a, b) -> compare(a.current, b.current));

            {
                for (Lane lane : lanes) {
                    for (Group group : lane.groups) {
                        Cursor cursor = new Cursor(group.byKey.iterator());
                        if (cursor.advance()) {
                            heads.add(cursor);
                        }
                    }
                }
            }

            @Override
            public boolean hasNext() {
                return !heads.isEmpty();
            }

            @Override
            public Entry next() {
                Cursor cursor = heads.poll();
                if (cursor == null) {
                    throw new NoSuchElementException();
                }
                Entry out = cursor.current;
                if (cursor.advance()) {
                    heads.add(cursor);
                }
                return out;
            }
        };
    }

    private static final class Cursor {
        final Iterator<Entry> rest;
        Entry current;

        Cursor(Iterator<Entry> rest) {
            this.rest = rest;
        }

        boolean advance() {
            current = rest.hasNext() ? rest.next() : null;
            return current != null;
        }
    }

    /**
     * A sorted array seen as a {@link SortedSet} with the tree's comparator: {@link TreeSet#addAll} then builds
     * the tree in linear time instead of inserting one by one. Only what that path reads is supported.
     */
    private static final class Sorted<T> extends AbstractSet<T> implements SortedSet<T> {
        private final T[] items;
        private final Comparator<? super T> order;

        Sorted(T[] items, Comparator<? super T> order) {
            this.items = items;
            this.order = order;
        }

        @Override
        public Iterator<T> iterator() {
            return Arrays.asList(items).iterator();
        }

        @Override
        public int size() {
            return items.length;
        }

        @Override
        public Comparator<? super T> comparator() {
            return order;
        }

        @Override
        public SortedSet<T> subSet(T from, T to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedSet<T> headSet(T to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedSet<T> tailSet(T from) {
            throw new UnsupportedOperationException();
        }

        @Override
        public T first() {
            return items[0];
        }

        @Override
        public T last() {
            return items[items.length - 1];
        }
    }
}
