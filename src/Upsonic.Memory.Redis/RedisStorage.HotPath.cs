using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace Upsonic.Storage.Redis;

/// <summary>The per-turn path of <see cref="RedisStorage"/>: window reads, run appends, run reads, summary and metadata updates.</summary>
public sealed partial class RedisStorage
{
    /// <inheritdoc />
    /// <remarks>One script: the head, the N-th most recent history turn from the turn set, then that range of the history index.</remarks>
    public Task<SessionWindow?> LoadSessionWindowAsync(string sessionId, int? historyTurns, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        if (historyTurns is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(historyTurns), historyTurns, "The number of history turns must not be negative.");
        }

        return RunAsync("LoadSessionWindow", sessionId, async db =>
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
            var rows = Pairs(parts[1]).ToList();
            var messages = (RedisResult[])parts[2]!;
            var turns = (RedisResult[])parts[3]!;
            var turnRuns = (RedisResult[])parts[4]!;
            var runOfTurn = new Dictionary<long, string?>();
            for (var i = 0; i < turns.Length; i++)
            {
                runOfTurn[(long)(double)turns[i]] = turnRuns[i].IsNull ? null : (string?)turnRuns[i];
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
    public Task<RunAppendResult> AppendRunAsync(RunAppend append, CancellationToken cancellationToken = default)
    {
        StorageArguments.Append(append, nameof(append));
        var run = append.Run;
        var sessionId = append.SessionId;
        var serialized = run.Messages.Select(StorageJson.SerializeMessage).ToList();
        var keys = Keys.Session(sessionId);
        return RunAsync("AppendRun", sessionId, async db =>
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
                var now = StorageClock.Now();
                var record = SessionRows.Copy(run, withMessages: false);
                record.SessionId = sessionId;
                record.Sequence = previous?.Sequence ?? (stored?.RunCount ?? 0) + 1;
                record.CreatedAt = previous?.CreatedAt ?? now;
                record.UpdatedAt = now;

                var batch = new RedisWriteBatch(keys.All);
                var messageCount = stored?.MessageCount ?? 0;
                for (var i = (int)alreadyStored; i < serialized.Count; i++)
                {
                    AddMessage(batch, keys, ++messageCount, record.Sequence, run.RunId, append.AddToHistory, serialized[i]);
                }

                batch.HashSet(keys.Runs, run.RunId, RedisRecords.RunJson(record, Math.Max(alreadyStored, serialized.Count)));
                batch.SortedSetAdd(keys.RunOrder, run.RunId, record.Sequence);

                var head = stored?.Head ?? new AgentSession { SessionId = sessionId, AgentId = run.AgentId, UserId = run.UserId, Metadata = [], CreatedAt = now };
                head.Usage = UsageMath.ApplyRunDelta(head.Usage, run.Usage, previous?.Usage);
                if (!string.IsNullOrEmpty(append.AgentName))
                {
                    head.AgentData ??= [];
                    head.AgentData["agent_name"] = append.AgentName;
                }

                head.UpdatedAt = now;
                var runCount = Math.Max(stored?.RunCount ?? 0, record.Sequence);
                if (stored is null)
                {
                    RedisRecords.WriteHead(batch, keys.Head, head, runCount, messageCount, 1);
                }
                else
                {
                    // Only the fields an append changes: the head stays O(1) however long the session is.
                    batch.HashSetOrDelete(keys.Head, "usage", StorageJson.SerializeUsage(head.Usage))
                        .HashSetOrDelete(keys.Head, "agent_data", StorageJson.SerializeObject(head.AgentData))
                        .HashSet(keys.Head, "run_count", runCount)
                        .HashSet(keys.Head, "message_count", messageCount)
                        .HashSet(keys.Head, "updated_at", RedisRecords.Millis(now))
                        .HashSet(keys.Head, RedisRecords.VersionField, stored.Version + 1);
                }

                if (!await batch.ExecuteAsync(db, stored?.Version ?? 0, Expire).ConfigureAwait(false))
                {
                    return Optional<RunAppendResult>.Conflict;
                }

                return new RunAppendResult(record.Sequence, (int)Math.Max(0, serialized.Count - alreadyStored), stored is null, previous is null);
            }).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<RunRecord?> GetRunAsync(string sessionId, string runId, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        StorageArguments.Id(runId, nameof(runId));
        return RunAsync("GetRun", runId, async db => (await ReadRunsAsync(db, sessionId, ["id", runId]).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Reads the run index (the sessions holding a run with this id), in session-id order, checking each.</remarks>
    public Task<RunRecord?> FindRunAsync(string runId, string? agentId = null, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(runId, nameof(runId));
        return RunAsync("FindRun", runId, async db =>
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
    public Task<IReadOnlyList<RunRecord>> GetRunsAfterAsync(string sessionId, long afterSequence, int maxRuns, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        ArgumentOutOfRangeException.ThrowIfNegative(maxRuns);
        return RunAsync<IReadOnlyList<RunRecord>>("GetRunsAfter", sessionId, async db =>
        {
            if (maxRuns == 0)
            {
                return [];
            }

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
            var sequences = ((RedisResult[])parts[1]!).Select(s => (long)s).ToList();
            var messages = (RedisResult[])parts[2]!;
            run.Messages = sequences.Select((seq, i) => (seq, i)).OrderBy(p => p.seq).Select(p => messages[p.i].IsNull
                ? throw StorageJson.CorruptMessage(sessionId, p.seq, new InvalidOperationException("The message is missing."))
                : StorageJson.DeserializeMessage((string)messages[p.i]!, sessionId, p.seq)).ToList();
            runs.Add(run);
        }

        return runs;
    }

    /// <inheritdoc />
    public Task<bool> UpdateSummaryAsync(string sessionId, string summary, long watermark, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        ArgumentNullException.ThrowIfNull(summary);
        return UpdateHeadAsync("UpdateSummary", sessionId, (stored, batch, key) =>
        {
            if (stored.Head.SummaryWatermark >= watermark)
            {
                return false;
            }

            batch.HashSet(key, "summary", summary).HashSet(key, "summary_watermark", watermark);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> MergeSessionMetadataAsync(string sessionId, JsonObject metadata, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        ArgumentNullException.ThrowIfNull(metadata);
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
        return RunAsync(operation, sessionId, db => OptimisticAsync<bool>(operation, sessionId, async () =>
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
