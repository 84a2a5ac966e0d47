using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace Upsonic.Storage.Redis;

/// <summary>
/// Streaming the store in pages: heads, profiles and knowledge rows by their <c>:all</c> index (score, then id, the sorted set's own
/// order), a session's rows by sequence in one script per page, and imports written with the same optimistic scripts as every write.
/// </summary>
/// <remarks>An index entry's score only grows (it is the time the entry was last written), so a keyset over (score, id) never skips
/// a record that stays; a record rewritten during a listing moves behind the cursor and may appear again, newer.</remarks>
public sealed partial class RedisStorage
{
    /// <inheritdoc />
    protected override Task<StorePage<AgentSession>> GetSessionHeadsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        WithDatabaseAsync(async db =>
        {
            var entries = await IndexPageAsync(db, Keys.SessionsAll, after, pageSize).ConfigureAwait(false);
            var heads = await Task.WhenAll(entries.Select(e => db.HashGetAllAsync(Keys.Session(e.Id).Head))).ConfigureAwait(false);
            var page = new StorePageBuilder<AgentSession>(PageCursor.Sessions, pageSize);
            for (var i = 0; i < entries.Count; i++)
            {
                var (fields, id) = (heads[i], entries[i].Id);
                if (fields.Length > 0)
                {
                    page.Add(id, 0, () => RedisRecords.ReadHead(fields.ToDictionary(f => (string)f.Name!, f => f.Value), id).Head);
                }
            }

            return page.Build() with { NextCursor = NextIndexCursor(PageCursor.Sessions, entries, pageSize) };
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>One script: the sequences after the cursor up to the head's message counter, each message with its history turn and run.</remarks>
    protected override Task<StorePage<SessionMessageRow>> GetSessionMessagesPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken) =>
        WithDatabaseAsync(async db =>
        {
            var keys = Keys.Session(sessionId);
            var result = (RedisResult[])(await db.ScriptEvaluateAsync(
                RedisPagingScripts.Messages, [keys.Head, keys.Messages, keys.History, keys.RunMessages, keys.RunOrder], [afterSequence, pageSize]).ConfigureAwait(false))!;
            var (upto, last) = (RedisRecords.Integer(result[0], sessionId), RedisRecords.Integer(result[1], sessionId));
            var page = new StorePageBuilder<SessionMessageRow>(PageCursor.Messages, pageSize);
            for (var i = 2; i + 4 < result.Length; i += 5)
            {
                var (json, turn, runSequence, runId) = (result[i + 1], result[i + 2], result[i + 3], result[i + 4]);
                var seq = RedisRecords.Integer(result[i], sessionId);
                page.Add(sessionId, seq, () => new SessionMessageRow(
                    seq,
                    !turn.IsNull ? RedisRecords.Integer(turn, sessionId) : !runSequence.IsNull ? RedisRecords.Integer(runSequence, sessionId) : 0,
                    runId.IsNull ? null : (string?)runId,
                    !turn.IsNull,
                    StorageJson.DeserializeMessage((string)json!, sessionId, seq)));
            }

            return page.Build() with { NextCursor = upto < last ? new PageCursor(PageCursor.Messages, sessionId, upto).Encode() : null };
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<StorePage<SessionRunRow>> GetSessionRunsPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken) =>
        WithDatabaseAsync(async db =>
        {
            var keys = Keys.Session(sessionId);
            var result = (RedisResult[])(await db.ScriptEvaluateAsync(RedisPagingScripts.Runs, [keys.RunOrder, keys.Runs], [afterSequence, pageSize]).ConfigureAwait(false))!;
            var page = new StorePageBuilder<SessionRunRow>(PageCursor.Runs, pageSize);
            for (var i = 0; i + 2 < result.Length; i += 3)
            {
                var (runId, json) = ((string)result[i]!, result[i + 2]);
                var seq = RedisRecords.Integer(result[i + 1], sessionId);
                page.Add(sessionId, seq, () =>
                {
                    if (json.IsNull)
                    {
                        throw StorageException.CorruptData($"Run '{runId}' of session '{sessionId}' is indexed but its record is missing.", null, "ReadRun", runId);
                    }

                    var (run, count) = RedisRecords.ReadRun((string)json!, sessionId);
                    run.Sequence = seq;
                    return new SessionRunRow(run, checked((int)count));
                });
            }

            return page.Build();
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<SessionRowCounts?> CountSessionRowsCoreAsync(string sessionId, CancellationToken cancellationToken) =>
        WithDatabaseAsync(async db =>
        {
            var keys = Keys.Session(sessionId);
            var result = await db.ScriptEvaluateAsync(RedisPagingScripts.Counts, [keys.Head, keys.Messages, keys.History, keys.Runs]).ConfigureAwait(false);
            if (result.IsNull)
            {
                return null;
            }

            var counts = (RedisResult[])result!;
            return new SessionRowCounts(
                RedisRecords.Integer(counts[0], sessionId), RedisRecords.Integer(counts[1], sessionId), RedisRecords.Integer(counts[2], sessionId));
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<StorePage<UserMemory>> GetUserMemoriesPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        ReadVersionedPageAsync(Keys.UserMemoriesAll, PageCursor.UserMemories, after, pageSize, Keys.UserMemory, RedisRecords.ReadUserMemory, cancellationToken);

    /// <inheritdoc />
    protected override Task<StorePage<KnowledgeRow>> GetKnowledgeContentsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        ReadVersionedPageAsync(Keys.KnowledgeAll, PageCursor.Knowledge, after, pageSize, Keys.Knowledge, RedisRecords.ReadKnowledge, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Index entries first, then the head written under the stored version (counters kept), then old index entries removed.</remarks>
    protected override Task ImportSessionHeadCoreAsync(AgentSession head, CancellationToken cancellationToken) =>
        WithDatabaseAsync(async db =>
        {
            await WriteSchemaAsync(db).ConfigureAwait(false);
            var id = head.SessionId;
            var keys = Keys.Session(id);
            await WriteIndexAsync(db, AddIndexEntries(new RedisWriteBatch(), SessionIndexes(head), id)).ConfigureAwait(false);
            var old = await OptimisticAsync<AgentSession?>("ImportSessionHead", id, async () =>
            {
                var (existing, _, _) = await ReadBeforeAsync(db, keys, id, null, listRuns: false).ConfigureAwait(false);
                var batch = new RedisWriteBatch(keys.All);
                RedisRecords.WriteHead(batch, keys.Head, head, existing?.RunCount ?? 0, existing?.MessageCount ?? 0, (existing?.Version ?? 0) + 1);
                return await batch.ExecuteAsync(db, existing?.Version ?? 0, Expire).ConfigureAwait(false) ? existing?.Head : Optional<AgentSession?>.Conflict;
            }).ConfigureAwait(false);
            if (old is not null)
            {
                await WriteIndexAsync(db, RemoveIndexEntries(new RedisWriteBatch(), SessionIndexes(old), SessionIndexes(head), id)).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>One script under the head's version: each row replaces what its sequence held (history and run entries included), and the counters rise.</remarks>
    protected override Task<bool> ImportSessionMessagesCoreAsync(string sessionId, IReadOnlyList<SessionMessageRow> messages, CancellationToken cancellationToken)
    {
        var serialized = messages.Select(m => StorageJson.SerializeMessage(m.Message)).ToList();
        return WithDatabaseAsync(db => WriteSessionRowsAsync(db, "ImportSessionMessages", sessionId, messages.Max(m => m.Turn), messages.Max(m => m.Sequence), (batch, keys) =>
        {
            for (var i = 0; i < messages.Count; i++)
            {
                var row = messages[i];
                var member = row.Sequence.ToString(CultureInfo.InvariantCulture);
                batch.SortedSetRemove(keys.History, member).SortedSetRemove(keys.RunMessages, member);
                AddMessage(batch, keys, row.Sequence, row.Turn, row.RunId, row.InHistory, serialized[i]);
            }
        }), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>The runs are added to the run-id index first (for <see cref="IStorage.FindRunAsync"/>), then written in one script under the head's version.</remarks>
    protected override Task<bool> ImportSessionRunsCoreAsync(string sessionId, IReadOnlyList<SessionRunRow> runs, CancellationToken cancellationToken) =>
        WithDatabaseAsync(async db =>
        {
            var index = new RedisWriteBatch();
            foreach (var row in runs)
            {
                index.SortedSetAdd(Keys.SessionsByRun(row.Run.RunId), sessionId, NowMillis());
            }

            await WriteIndexAsync(db, index).ConfigureAwait(false);
            return await WriteSessionRowsAsync(db, "ImportSessionRuns", sessionId, runs.Max(r => r.Run.Sequence), 0, (batch, keys) =>
            {
                foreach (var (run, count) in runs)
                {
                    batch.HashSet(keys.Runs, run.RunId, RedisRecords.RunJson(run, count));
                    batch.SortedSetAdd(keys.RunOrder, run.RunId, run.Sequence);
                }
            }).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task ImportUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken) =>
        WithDatabaseAsync(async db =>
        {
            foreach (var memory in userMemories)
            {
                await ImportVersionedAsync(db, "ImportUserMemories", memory.UserId, Keys.UserMemory(memory.UserId), RedisRecords.UserMemoryJson(memory),
                    UserMemoryIndexes(memory), async () =>
                    {
                        var (old, version) = await ReadUserMemoryAsync(db, memory.UserId).ConfigureAwait(false);
                        return (old is null ? null : UserMemoryIndexes(old).ToList(), version);
                    }).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task ImportKnowledgeContentsCoreAsync(IReadOnlyList<KnowledgeRow> rows, CancellationToken cancellationToken) =>
        WithDatabaseAsync(async db =>
        {
            foreach (var row in rows)
            {
                await ImportVersionedAsync(db, "ImportKnowledgeContents", row.Id, Keys.Knowledge(row.Id), RedisRecords.KnowledgeJson(row),
                    KnowledgeIndexes(row), async () =>
                    {
                        var (old, version) = await ReadKnowledgeAsync(db, row.Id).ConfigureAwait(false);
                        return (old is null ? null : KnowledgeIndexes(old).ToList(), version);
                    }).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>The one schema object is the schema-version key under the index hash tag.</remarks>
    protected override Task<StorageSchemaReport> DescribeSchemaCoreAsync(CancellationToken cancellationToken) =>
        WithDatabaseAsync(async db =>
        {
            var stored = await db.StringGetAsync(Keys.Schema).ConfigureAwait(false);
            int? version = stored.IsNull ? null : int.TryParse((string?)stored, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : -1;
            return new StorageSchemaReport(version, 1, [new StorageSchemaObject("key", (string)Keys.Schema!, !stored.IsNull)]);
        }, cancellationToken);

    /// <summary>Writes rows of an existing session in one script under its head's version, raising its counters; false when it does not exist.</summary>
    private Task<bool> WriteSessionRowsAsync(IDatabase db, string operation, string sessionId, long runCount, long messageCount, Action<RedisWriteBatch, RedisKeys.SessionKeys> write)
    {
        var keys = Keys.Session(sessionId);
        return OptimisticAsync<bool>(operation, sessionId, async () =>
        {
            var (existing, _, _) = await ReadBeforeAsync(db, keys, sessionId, null, listRuns: false).ConfigureAwait(false);
            if (existing is null)
            {
                return false;
            }

            var batch = new RedisWriteBatch(keys.All);
            write(batch, keys);
            batch.HashSet(keys.Head, "run_count", Math.Max(existing.RunCount, runCount))
                .HashSet(keys.Head, "message_count", Math.Max(existing.MessageCount, messageCount))
                .HashSet(keys.Head, RedisRecords.VersionField, existing.Version + 1)
                .HashSet(keys.Head, RedisRecords.HistoryEpochField, HistoryEpoch.New());
            return await batch.ExecuteAsync(db, existing.Version, Expire).ConfigureAwait(false) ? true : Optional<bool>.Conflict;
        });
    }

    /// <summary>Writes a record kept as one versioned key exactly as given: index entries first, then the JSON under the stored
    /// version, then the entries of old values the record no longer has.</summary>
    private async Task ImportVersionedAsync(
        IDatabase db, string operation, string id, RedisKey key, string json, IEnumerable<RedisKey> indexes, Func<Task<(List<RedisKey>? OldIndexes, long Version)>> read)
    {
        await WriteSchemaAsync(db).ConfigureAwait(false);
        var current = indexes.ToList();
        await WriteIndexAsync(db, AddIndexEntries(new RedisWriteBatch(), current, id)).ConfigureAwait(false);
        var old = await OptimisticAsync<List<RedisKey>?>(operation, id, async () =>
        {
            var (oldIndexes, version) = await read().ConfigureAwait(false);
            var batch = new RedisWriteBatch(key).HashSet(key, RedisRecords.JsonField, json).HashSet(key, RedisRecords.VersionField, version + 1);
            return await batch.ExecuteAsync(db, version, Expire).ConfigureAwait(false) ? oldIndexes : Optional<List<RedisKey>?>.Conflict;
        }).ConfigureAwait(false);
        if (old is not null)
        {
            await WriteIndexAsync(db, RemoveIndexEntries(new RedisWriteBatch(), old, current, id)).ConfigureAwait(false);
        }
    }

    /// <summary>One page of records kept as versioned keys (profiles, knowledge rows), listed by their <c>:all</c> index.</summary>
    private Task<StorePage<T>> ReadVersionedPageAsync<T>(
        RedisKey index, string listing, PageCursor? after, int pageSize, Func<string, RedisKey> keyOf, Func<string, string, T> parse, CancellationToken cancellationToken) =>
        WithDatabaseAsync(async db =>
        {
            var entries = await IndexPageAsync(db, index, after, pageSize).ConfigureAwait(false);
            var values = await Task.WhenAll(entries.Select(e => db.HashGetAsync(keyOf(e.Id), RedisRecords.JsonField))).ConfigureAwait(false);
            var page = new StorePageBuilder<T>(listing, pageSize);
            for (var i = 0; i < entries.Count; i++)
            {
                var (json, id) = (values[i], entries[i].Id);
                if (!json.IsNull)
                {
                    page.Add(id, 0, () => parse((string)json!, id));
                }
            }

            return page.Build() with { NextCursor = NextIndexCursor(listing, entries, pageSize) };
        }, cancellationToken);

    /// <summary>The next (score, id) entries of an index after the cursor, in the sorted set's order (score, then id bytes).</summary>
    private static async Task<List<(string Id, double Score)>> IndexPageAsync(IDatabase db, RedisKey index, PageCursor? after, int pageSize)
    {
        var entries = new List<(string Id, double Score)>();
        if (after is not null)
        {
            // Entries sharing the cursor's score come in id (byte) order: those after the cursor's id are next.
            var ties = await db.SortedSetRangeByScoreAsync(index, after.Position, after.Position).ConfigureAwait(false);
            var key = Encoding.UTF8.GetBytes(after.Key);
            entries.AddRange(ties.Select(t => (string)t!).Where(t => Encoding.UTF8.GetBytes(t).AsSpan().SequenceCompareTo(key) > 0)
                .Take(pageSize).Select(t => (t, (double)after.Position)));
        }

        if (entries.Count < pageSize)
        {
            var rest = await db.SortedSetRangeByScoreWithScoresAsync(
                index, after?.Position ?? double.NegativeInfinity, double.PositiveInfinity, after is null ? Exclude.None : Exclude.Start,
                Order.Ascending, 0, pageSize - entries.Count).ConfigureAwait(false);
            entries.AddRange(rest.Select(e => ((string)e.Element!, e.Score)));
        }

        return entries;
    }

    /// <summary>The cursor after the last entry of a full page of index entries; null when the page was not full.</summary>
    private static string? NextIndexCursor(string listing, List<(string Id, double Score)> entries, int pageSize) =>
        entries.Count < pageSize ? null : new PageCursor(listing, entries[^1].Id, (long)entries[^1].Score).Encode();
}
