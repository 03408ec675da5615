package dev.labq.core.decision;

import dev.labq.core.domain.Resources;
import dev.labq.core.state.JobStatus;

import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The pending jobs that could start now (dependencies met, not being dispatched), ordered by priority: higher
 * {@code jobKey + accountKey} first, then the lower tiebreak, the earlier submission, the lower id.
 *
 * <p>Jobs are kept in buckets of one account (project and user) and one shape (resources and time limit):
 * <ul>
 *   <li>within a bucket the order is by the job's own key, so a change of an account's key (its fair share,
 *       after every start and end) re-orders all its jobs in O(1), not O(jobs);</li>
 *   <li>every job of a bucket fits, or does not, in the same free resources and budget, so backfill asks
 *       once per bucket instead of once per job and can look at the whole queue at O(buckets) a pass.</li>
 * </ul>
 * The first job overall is the best head among the buckets: O(buckets). A full recompute of every job's
 * key re-sorts each bucket from its previous order (nearly sorted: a merge sort's best case) and rebuilds
 * its tree in linear time.
 *
 * <p>Not thread-safe: owned by the decision thread.
 */
final class ReadyIndex {
    /** Within a bucket: the job's own key, then tiebreak, submission, id. */
    private static final Comparator<Entry> WITHIN = (a, b) -> {
        int c = Double.compare(b.jobKey, a.jobKey);
        return c != 0 ? c : after(a, b);
    };

    /** One ready job and its cached key. */
    static final class Entry {
        final JobStatus job;
        final long tiebreak;
        double jobKey;
        Bucket bucket;

        Entry(JobStatus job, double jobKey, long tiebreak) {
            this.job = job;
            this.jobKey = jobKey;
            this.tiebreak = tiebreak;
        }

        double total() {
            return jobKey + bucket.account.key;
        }
    }

    /** A project and user, with the part of the priority all their jobs share. */
    static final class Account {
        final String project;
        final String user;
        double key;
        final List<Bucket> buckets = new ArrayList<>(2);

        Account(String project, String user) {
            this.project = project;
            this.user = user;
        }
    }

    /** Jobs of one account and one shape, in their own keys' order. */
    static final class Bucket {
        final Account account;
        final Resources shape;
        final Long timeLimitSeconds;
        TreeSet<Entry> entries = new TreeSet<>(WITHIN);
        int slot;

        Bucket(Account account, Resources shape, Long timeLimitSeconds) {
            this.account = account;
            this.shape = shape;
            this.timeLimitSeconds = timeLimitSeconds;
        }

        Entry head() {
            return entries.first();
        }
    }

    private record BucketKey(String project, String user, Resources shape, Long timeLimitSeconds) {
    }

    private record AccountKey(String project, String user) {
    }

    private final Map<Long, Entry> byId = new HashMap<>();
    private final Map<BucketKey, Bucket> bucketsByKey = new HashMap<>();
    private final Map<AccountKey, Account> accounts = new HashMap<>();
    /** Non-empty buckets, for fast scans; a bucket knows its slot, so removal swaps in the last. */
    private final List<Bucket> buckets = new ArrayList<>();

    /** Orders entries of different buckets: higher total first, then {@link #after}. */
    static int compare(Entry a, Entry b) {
        int c = Double.compare(b.total(), a.total());
        return c != 0 ? c : after(a, b);
    }

    private static int after(Entry a, Entry b) {
        int c = Long.compare(a.tiebreak, b.tiebreak);
        if (c != 0) {
            return c;
        }
        c = Long.compare(a.job.submitMillis(), b.job.submitMillis());
        return c != 0 ? c : Long.compare(a.job.id().value(), b.job.id().value());
    }

    /** Adds a job (replacing it when present) with its own key; its account's key is what it was set to. */
    Entry add(JobStatus job, double jobKey, long tiebreak, double accountKeyIfNew) {
        remove(job.id().value());
        String project = job.spec().project();
        String user = job.spec().user();
        BucketKey key = new BucketKey(project, user, job.spec().resources(), job.spec().timeLimitSeconds());
        Bucket bucket = bucketsByKey.get(key);
        if (bucket == null) {
            Account account = accounts.computeIfAbsent(new AccountKey(project, user), k -> {
                Account a = new Account(project, user);
                a.key = accountKeyIfNew;
                return a;
            });
            bucket = new Bucket(account, key.shape(), key.timeLimitSeconds());
            bucketsByKey.put(key, bucket);
            account.buckets.add(bucket);
            bucket.slot = buckets.size();
            buckets.add(bucket);
        }
        Entry entry = new Entry(job, jobKey, tiebreak);
        entry.bucket = bucket;
        bucket.entries.add(entry);
        byId.put(job.id().value(), entry);
        return entry;
    }

    /** Removes a job; returns whether it was there. */
    boolean remove(long id) {
        Entry entry = byId.remove(id);
        if (entry == null) {
            return false;
        }
        Bucket bucket = entry.bucket;
        bucket.entries.remove(entry);
        if (bucket.entries.isEmpty()) {
            bucketsByKey.remove(new BucketKey(bucket.account.project, bucket.account.user, bucket.shape, bucket.timeLimitSeconds));
            bucket.account.buckets.remove(bucket);
            if (bucket.account.buckets.isEmpty()) {
                accounts.remove(new AccountKey(bucket.account.project, bucket.account.user));
            }
            Bucket last = buckets.remove(buckets.size() - 1);
            if (last != bucket) {
                last.slot = bucket.slot;
                buckets.set(bucket.slot, last);
            }
        }
        return true;
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

    /** The non-empty buckets, in no order; do not change the index while iterating. */
    List<Bucket> buckets() {
        return buckets;
    }

    /** The job that runs next, or {@code null} when none is ready. */
    Entry first() {
        Entry best = null;
        for (Bucket bucket : buckets) {
            Entry head = bucket.head();
            if (best == null || compare(head, best) < 0) {
                best = head;
            }
        }
        return best;
    }

    /** Every job, first to last: a merge of the buckets (O(n log buckets)). Do not change the index meanwhile. */
    Iterable<Entry> inOrder() {
        return () -> new Iterator<>() {
            private final PriorityQueue<Cursor> heads = new PriorityQueue<>(Math.max(1, buckets.size()),
                    (a, b) -> compare(a.current, b.current));

            {
                for (Bucket bucket : buckets) {
                    Cursor cursor = new Cursor(bucket.entries.iterator());
                    if (cursor.advance()) {
                        heads.add(cursor);
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
     * Recomputes every job's own key. Each bucket is re-sorted from its previous order (mostly still in
     * order, which a merge sort does in near-linear time) and its tree built from the sorted run.
     */
    void rekeyAll(ToDoubleFunction<JobStatus> jobKey) {
        for (Bucket bucket : buckets) {
            Entry[] entries = bucket.entries.toArray(new Entry[0]);
            for (Entry entry : entries) {
                entry.jobKey = jobKey.applyAsDouble(entry.job);
            }
            Arrays.sort(entries, WITHIN);
            TreeSet<Entry> rebuilt = new TreeSet<>(WITHIN);
            rebuilt.addAll(new Sorted(entries));
            bucket.entries = rebuilt;
        }
    }

    /**
     * A sorted array seen as a {@link SortedSet} with the bucket's comparator: {@link TreeSet#addAll} then
     * builds the tree in linear time instead of inserting one by one. Only what that path reads is supported.
     */
    private static final class Sorted extends AbstractSet<Entry> implements SortedSet<Entry> {
        private final Entry[] entries;

        Sorted(Entry[] entries) {
            this.entries = entries;
        }

        @Override
        public Iterator<Entry> iterator() {
            return Arrays.asList(entries).iterator();
        }

        @Override
        public int size() {
            return entries.length;
        }

        @Override
        public Comparator<? super Entry> comparator() {
            return WITHIN;
        }

        @Override
        public SortedSet<Entry> subSet(Entry from, Entry to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedSet<Entry> headSet(Entry to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedSet<Entry> tailSet(Entry from) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Entry first() {
            return entries[0];
        }

        @Override
        public Entry last() {
            return entries[entries.length - 1];
        }
    }
}
