using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace Upsonic.Storage.Redis;

/// <summary>The per-turn path of <see cref="RedisStorage"/>: window reads, run appends, run reads, summary and metadata updates.</summary>
public sealed partial class RedisStorage
{
    /// <inheritdoc />
    /// <remarks>One script: the head, the N-th most recent history turn from the turn set, then that range of the history index.</remarks>
    protected override Task<SessionWindow?> LoadSessionWindowCoreAsync(string sessionId, int? historyTurns, CancellationToken cancellationToken)
    {
        return WithDatabaseAsync(async db =>
        {
            var keys = Keys.Session(sessionId);
            var result = await db.ScriptEvaluateAsync(
                RedisScripts.Window, [keys.Head, keys.Messages, keys.History, keys.Turns, keys.TurnRuns], [historyTurns ?? -1]).ConfigureAwait(false);
            if (result.IsNull)
            {
                return null;
            }

            var parts = (RedisResult[])result!;
            var head = RedisRecords.ReadHead(RedisRecords.Fields(parts[0]), sessionId).Head;
            var rows = Pairs(parts[1], sessionId).ToList();
            var messages = (RedisResult[])parts[2]!;
            var turns = (RedisResult[])parts[3]!;
            var turnRuns = (RedisResult[])parts[4]!;
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
            return new SessionWindow(head, SessionRows.Turns(history.ToList()));
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Two round trips: (1) read the head and this run's stored record while adding the run to the run index, (2) one script that
    /// checks the head's version and writes the messages, the run and the head together. A conflicting writer makes the script write
    /// nothing; the append is then recomputed (usage included) from a fresh read.
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
            var runIndex = new RedisWriteBatch().SortedSetAdd(Keys.SessionsByRun(run.RunId), sessionId, NowMillis());
            var indexed = false;
            var first = true;
            return await OptimisticAsync<RunAppendResult>("AppendRun", sessionId, async () =>
            {
                var read = ReadBeforeAsync(db, keys, sessionId, run.RunId, listRuns: false);
                if (first)
                {
                    // Pipelined with the read: the run is indexed before it is written.
                    await Task.WhenAll(read, WriteIndexAsync(db, runIndex)).ConfigureAwait(false);
                    first = false;
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
                    stored is null ? null : new SessionCounters(stored.RunCount, stored.MessageCount, stored.Head.Usage, stored.Head.AgentData),
                    previous is null ? null : new PreviousRunSave(previous.Sequence, (int)alreadyStored, previous.Usage, previous.CreatedAt),
                    StorageClock.Now());

                var batch = new RedisWriteBatch(keys.All);
                for (var i = 0; i < plan.NewMessageCount; i++)
                {
                    AddMessage(batch, keys, plan.FirstMessageSequence + i, plan.Sequence, run.RunId, append.AddToHistory, serialized[plan.FirstNewMessage + i]);
                }

                batch.HashSet(keys.Runs, run.RunId, RedisRecords.RunJson(plan.Run, plan.RunMessageCount));
                batch.SortedSetAdd(keys.RunOrder, run.RunId, plan.Sequence);
                if (stored is null)
                {
                    RedisRecords.WriteHead(batch, keys.Head, plan.NewSessionHead(), plan.RunCount, plan.MessageCount, 1);
                }
                else
                {
                    // Only the fields an append changes: the head stays O(1) however long the session is.
                    batch.HashSetOrDelete(keys.Head, "usage", StorageJson.SerializeUsage(plan.SessionUsage))
                        .HashSetOrDelete(keys.Head, "agent_data", StorageJson.SerializeObject(plan.AgentData))
                        .HashSet(keys.Head, "run_count", plan.RunCount)
                        .HashSet(keys.Head, "message_count", plan.MessageCount)
                        .HashSet(keys.Head, "updated_at", RedisRecords.Millis(plan.Now))
                        .HashSet(keys.Head, RedisRecords.VersionField, stored.Version + 1);
                }

                if (!await batch.ExecuteAsync(db, stored?.Version ?? 0, Expire).ConfigureAwait(false))
                {
                    return Optional<RunAppendResult>.Conflict;
                }

                return plan.Result;
            }).ConfigureAwait(false);
        }, cancellationToken);
    }

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
