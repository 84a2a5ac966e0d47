using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace Upsonic.Storage.Redis;

/// <summary>The per-turn path of <see cref="RedisStorage"/>: window reads, run appends, run reads, summary and metadata updates.</summary>
public sealed partial class RedisStorage
{
    /// <inheritdoc />
    protected override Task<SessionWindow?> LoadSessionWindowCoreAsync(string sessionId, int? historyTurns, CancellationToken cancellationToken) =>
        LoadSessionWindowCoreAsync(new SessionWindowRequest { SessionId = sessionId, HistoryTurns = historyTurns }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// One script (<see cref="RedisScripts.Window"/>): the head, then either the history messages after the request's mark, when the
    /// head still matches it, or the last N turns (the N-th most recent turn from the turn set, then that range of the history
    /// index). A token budget is applied to the turns read with the estimate of each message (Redis stores no counts), so with a
    /// budget the window is read in full.
    /// </remarks>
    protected override async Task<SessionWindow?> LoadSessionWindowCoreAsync(SessionWindowRequest request, CancellationToken cancellationToken)
    {
        if (request.HistoryTokenBudget is not null)
        {
            return await base.LoadSessionWindowCoreAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var sessionId = request.SessionId;
        var historyTurns = request.HistoryTurns;
        return await WithDatabaseAsync(async db =>
        {
            var keys = Keys.Session(sessionId);
            var since = request.Since;
            var result = await db.ScriptEvaluateAsync(
                RedisScripts.Window,
                [keys.Head, keys.Messages, keys.History, keys.Turns, keys.TurnRuns],
                [historyTurns ?? -1, since is null ? RedisValue.EmptyString : since.Epoch, since?.MessageSequence ?? 0, RedisScripts.IncrementalLimit]).ConfigureAwait(false);
            if (result.IsNull)
            {
                _knownHeads.Remember(sessionId, null, 0);
                return null;
            }

            var parts = (RedisResult[])result!;
            var stored = RedisRecords.ReadHead(RedisRecords.Fields(parts[0]), sessionId);
            var head = stored.Head;
            if (IsExpired(head.UpdatedAt))
            {
                // Treated as absent, as the purge that precedes the next write makes it; the append's version check catches a head still there.
                _knownHeads.Remember(sessionId, null, 0);
                return null;
            }

            _knownHeads.Remember(sessionId, Counters(stored), stored.Version);

            var rows = Pairs(parts[1], sessionId).ToList();
            var messages = (RedisResult[])parts[2]!;
            var turns = (RedisResult[])parts[3]!;
            var turnRuns = (RedisResult[])parts[4]!;
            var incremental = (long)parts[5] == 1;
            var runOfTurn = new Dictionary<long, string?>();
            for (var i = 0; i < turns.Length; i++)
            {
                runOfTurn[RedisRecords.Integer(turns[i], sessionId)] = turnRuns[i].IsNull ? null : (string?)turnRuns[i];
            }

            var history = rows.Select((row, i) =>
            {
                var message = messages[i].IsNull
                    ? throw StorageJson.CorruptMessage(sessionId, row.Member, new InvalidOperationException("The message is missing."))
                    : StorageJson.DeserializeMessage((string)messages[i]!, sessionId, row.Member);
                return new MessageRow(row.Member, row.Score, runOfTurn.GetValueOrDefault(row.Score), true, message);
            });
            var window = SessionRows.Turns(history.ToList());
            return new SessionWindow(head, incremental ? WindowSelection.Newest(window, historyTurns, null) : window)
            {
                Mark = new SessionWindowMark(stored.HistoryEpoch, stored.MessageCount),
                IsIncremental = incremental,
            };
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <para>One round trip after a window load of the session (the way <c>Memory</c> prepares and saves a turn): the append is planned
    /// from the head that load read (or the previous append wrote), and one script checks that the head's version is unchanged and
    /// that the run is new, then writes the messages, the run and the head together; pipelined before it, the run (and a new
    /// session) is added to the indexes, which live in another hash slot.</para>
    /// <para>Otherwise, or when that check fails (another writer, a run saved again after a pause), two round trips: (1) read the head
    /// and this run's stored record, (2) the same version-checked script. A conflicting writer makes the script write nothing; the
    /// append is then recomputed (usage included) from a fresh read.</para>
    /// </remarks>
    protected override Task<RunAppendResult> AppendRunCoreAsync(RunAppend append, CancellationToken cancellationToken)
    {
        var run = append.Run;
        var sessionId = append.SessionId;
        var serialized = run.Messages.Select(StorageJson.SerializeMessage).ToList();
        var keys = Keys.Session(sessionId);
        return WithDatabaseAsync(async db =>
        {
            await WriteSchemaAsync(db).ConfigureAwait(false);
            var indexed = false;
            var runIndexed = false;
            if (_knownHeads.TryTake(sessionId, out var known))
            {
                // Planned from the known head; the script refuses it when the head's version moved or the run already exists.
                var plan = RunAppendPlan.Create(append, known.Counters, null, StorageClock.Now());
                var index = new RedisWriteBatch().SortedSetAdd(Keys.SessionsByRun(run.RunId), sessionId, NowMillis());
                if (known.Counters is null)
                {
                    AddIndexEntries(index, SessionIndexes(SessionType.Agent, run.UserId, run.AgentId), sessionId);
                    indexed = true;
                }

                // The index command and the session's writes go out together, as one write of one batch, the index first: a run
                // is indexed before it is written.
                var writes = AppendBatch(new RedisWriteBatch(keys.All).HashFieldAbsent(keys.Runs, run.RunId), keys, plan, serialized, known.Counters is null ? null : known.Version);
                var together = db.CreateBatch();
                var indexWrite = WriteIndexAsync(together, index);
                var write = writes.ExecuteAsync(together, known.Version, Expire);
                together.Execute();
                await Task.WhenAll(indexWrite, write).ConfigureAwait(false);
                if (await write.ConfigureAwait(false))
                {
                    _knownHeads.Remember(sessionId, Counters(plan), known.Version + 1);
                    return plan.Result;
                }

                runIndexed = true;
            }

            return await OptimisticAsync<RunAppendResult>("AppendRun", sessionId, async () =>
            {
                var read = ReadBeforeAsync(db, keys, sessionId, run.RunId, listRuns: false);
                if (!runIndexed)
                {
                    // Pipelined with the read: the run is indexed before it is written.
                    await Task.WhenAll(read, WriteIndexAsync(db, new RedisWriteBatch().SortedSetAdd(Keys.SessionsByRun(run.RunId), sessionId, NowMillis()))).ConfigureAwait(false);
                    runIndexed = true;
                }

                var (stored, runJson, _) = await read.ConfigureAwait(false);
                if (stored is null && !indexed)
                {
                    await WriteIndexAsync(db, AddIndexEntries(new RedisWriteBatch(), SessionIndexes(SessionType.Agent, run.UserId, run.AgentId), sessionId)).ConfigureAwait(false);
                    indexed = true;
                }

                var (previous, alreadyStored) = runJson is null ? ((RunRecord?)null, 0L) : RedisRecords.ReadRun(runJson, sessionId);
                var plan = RunAppendPlan.Create(
                    append,
                    Counters(stored),
                    previous is null ? null : new PreviousRunSave(previous.Sequence, (int)alreadyStored, previous.Usage, previous.CreatedAt),
                    StorageClock.Now());

                var batch = AppendBatch(new RedisWriteBatch(keys.All), keys, plan, serialized, stored?.Version);
                if (!await batch.ExecuteAsync(db, stored?.Version ?? 0, Expire).ConfigureAwait(false))
                {
                    return Optional<RunAppendResult>.Conflict;
                }

                _knownHeads.Remember(sessionId, Counters(plan), (stored?.Version ?? 0) + 1);
                return plan.Result;
            }).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>Adds an append's writes to <paramref name="batch"/>: the new messages, the run and the head (whole when the session is
    /// new, else only the fields an append changes, so the head stays O(1) however long the session is).</summary>
    /// <param name="batch">The batch (keys of the session).</param>
    /// <param name="keys">The session's keys.</param>
    /// <param name="plan">The append's plan.</param>
    /// <param name="serialized">Every message of the run as JSON.</param>
    /// <param name="storedVersion">The version of the existing head, or <see langword="null"/> when the append creates the session.</param>
    private static RedisWriteBatch AppendBatch(RedisWriteBatch batch, RedisKeys.SessionKeys keys, RunAppendPlan plan, List<string> serialized, long? storedVersion)
    {
        var append = plan.Append;
        for (var i = 0; i < plan.NewMessageCount; i++)
        {
            AddMessage(batch, keys, plan.FirstMessageSequence + i, plan.Sequence, append.Run.RunId, append.AddToHistory, serialized[plan.FirstNewMessage + i]);
        }

        batch.HashSet(keys.Runs, append.Run.RunId, RedisRecords.RunJson(plan.Run, plan.RunMessageCount));
        batch.SortedSetAdd(keys.RunOrder, append.Run.RunId, plan.Sequence);
        if (storedVersion is not { } version)
        {
            RedisRecords.WriteHead(batch, keys.Head, plan.NewSessionHead(), plan.RunCount, plan.MessageCount, 1);
            return batch;
        }

        return batch.HashSetOrDelete(keys.Head, "usage", StorageJson.SerializeUsage(plan.SessionUsage))
            .HashSetOrDelete(keys.Head, "agent_data", StorageJson.SerializeObject(plan.AgentData))
            .HashSet(keys.Head, "run_count", plan.RunCount)
            .HashSet(keys.Head, "message_count", plan.MessageCount)
            .HashSet(keys.Head, "updated_at", RedisRecords.Millis(plan.Now))
            .HashSet(keys.Head, RedisRecords.VersionField, version + 1);
    }

    /// <summary>What an append needs of a stored head, copied (a window hands its head to the caller, who may change it).</summary>
    private static SessionCounters? Counters(RedisRecords.StoredHead? stored) =>
        stored is null ? null : new SessionCounters(stored.RunCount, stored.MessageCount, UsageMath.Copy(stored.Head.Usage), StorageJson.Clone(stored.Head.AgentData));

    private static SessionCounters Counters(RunAppendPlan plan) =>
        new(plan.RunCount, plan.MessageCount, UsageMath.Copy(plan.SessionUsage), StorageJson.Clone(plan.AgentData));

    /// <inheritdoc />
    protected override Task<RunRecord?> GetRunCoreAsync(string sessionId, string runId, CancellationToken cancellationToken)
    {
        return WithDatabaseAsync(async db => (await ReadRunsAsync(db, sessionId, ["id", runId]).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Reads the run index (the sessions holding a run with this id), in session-id order, checking each.</remarks>
    protected override Task<RunRecord?> FindRunCoreAsync(string runId, string? agentId, CancellationToken cancellationToken)
    {
        return WithDatabaseAsync(async db =>
        {
            var entries = await ReadIndexAsync(db, Keys.SessionsByRun(runId)).ConfigureAwait(false);
            var stale = new List<IndexEntry>();
            RunRecord? found = null;
            foreach (var entry in entries.OrderBy(e => e.Id, StringComparer.Ordinal))
            {
                var run = (await ReadRunsAsync(db, entry.Id, ["id", runId]).ConfigureAwait(false)).FirstOrDefault();
                if (run is null)
                {
                    stale.Add(entry);
                }
                else if (agentId is null || run.AgentId == agentId)
                {
                    found = run;
                    break;
                }
            }

            await RemoveStaleAsync(db, stale).ConfigureAwait(false);
            return found;
        }, cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyList<RunRecord>> GetRunsAfterCoreAsync(string sessionId, long afterSequence, int maxRuns, CancellationToken cancellationToken)
    {
        return WithDatabaseAsync<IReadOnlyList<RunRecord>>(async db =>
        {
            var runs = await ReadRunsAsync(db, sessionId, ["after", afterSequence, maxRuns]).ConfigureAwait(false);
            return runs.OrderBy(r => r.Sequence).ToList();
        }, cancellationToken);
    }

    private async Task<List<RunRecord>> ReadRunsAsync(IDatabase db, string sessionId, RedisValue[] args)
    {
        var keys = Keys.Session(sessionId);
        if (Expire is not null && await SessionExpiredAsync(db, sessionId).ConfigureAwait(false))
        {
            return [];
        }

        var result = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.Runs, [keys.Runs, keys.RunOrder, keys.RunMessages, keys.Messages], args).ConfigureAwait(false))!;
        var runs = new List<RunRecord>(result.Length);
        foreach (var item in result)
        {
            var parts = (RedisResult[])item!;
            var run = RedisRecords.ReadRun((string)parts[0]!, sessionId).Run;
            var sequences = ((RedisResult[])parts[1]!).Select(s => RedisRecords.Integer(s, sessionId)).ToList();
            var messages = (RedisResult[])parts[2]!;
            run.Messages = sequences.Select((seq, i) => (seq, i)).OrderBy(p => p.seq).Select(p => messages[p.i].IsNull
                ? throw StorageJson.CorruptMessage(sessionId, p.seq, new InvalidOperationException("The message is missing."))
                : StorageJson.DeserializeMessage((string)messages[p.i]!, sessionId, p.seq)).ToList();
            runs.Add(run);
        }

        return runs;
    }

    /// <inheritdoc />
    protected override Task<bool> UpdateSummaryCoreAsync(string sessionId, string summary, long watermark, CancellationToken cancellationToken)
    {
        return UpdateHeadAsync("UpdateSummary", sessionId, (stored, batch, key) =>
        {
            if (stored.Head.SummaryWatermark > watermark)
            {
                return false;
            }

            batch.HashSet(key, "summary", summary).HashSet(key, "summary_watermark", watermark);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<bool> MergeSessionMetadataCoreAsync(string sessionId, JsonObject metadata, CancellationToken cancellationToken)
    {
        return UpdateHeadAsync("MergeSessionMetadata", sessionId, (stored, batch, key) =>
        {
            var merged = stored.Head.Metadata ?? [];
            foreach (var (name, value) in metadata)
            {
                merged[name] = value?.DeepClone();
            }

            batch.HashSet(key, "metadata", StorageJson.SerializeObject(merged));
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Read-modify-write of head fields under the head's version: <paramref name="change"/> adds its writes to the batch, or returns
    /// false to write nothing. updated_at and the version are set here. Returns false when the session does not exist.
    /// </summary>
    private Task<bool> UpdateHeadAsync(string operation, string sessionId, Func<RedisRecords.StoredHead, RedisWriteBatch, RedisKey, bool> change, CancellationToken cancellationToken)
    {
        var keys = Keys.Session(sessionId);
        return WithDatabaseAsync(db => OptimisticAsync<bool>(operation, sessionId, async () =>
        {
            var (stored, _, _) = await ReadBeforeAsync(db, keys, sessionId, null, listRuns: false).ConfigureAwait(false);
            var batch = new RedisWriteBatch(keys.All);
            if (stored is null || !change(stored, batch, keys.Head))
            {
                return false;
            }

            batch.HashSet(keys.Head, "updated_at", RedisRecords.Millis(StorageClock.Now()))
                .HashSet(keys.Head, RedisRecords.VersionField, stored.Version + 1);
            return await batch.ExecuteAsync(db, stored.Version, Expire).ConfigureAwait(false) ? true : Optional<bool>.Conflict;
        }), cancellationToken);
    }
}
