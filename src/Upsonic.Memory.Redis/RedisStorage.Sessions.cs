using StackExchange.Redis;

namespace Upsonic.Storage.Redis;

/// <summary>The session record API of <see cref="RedisStorage"/>: whole-session upsert, reads, listings and deletes.</summary>
public sealed partial class RedisStorage
{
    private static readonly RedisValue[] ListingFields = ["id", "type", "user_id", "agent_id", "created_at", "updated_at"];

    /// <inheritdoc />
    protected override Task<IReadOnlyList<AgentSession>> UpsertSessionsCoreAsync(IReadOnlyList<AgentSession> sessions, CancellationToken cancellationToken)
    {
        return WithDatabaseAsync<IReadOnlyList<AgentSession>>(async db =>
        {
            var stored = new List<AgentSession>(sessions.Count);
            foreach (var session in sessions)
            {
                stored.Add(await WriteSessionAsync(db, session).ConfigureAwait(false));
            }

            return stored;
        }, cancellationToken);
    }

    private async Task<AgentSession> WriteSessionAsync(IDatabase db, AgentSession session)
    {
        await WriteSchemaAsync(db).ConfigureAwait(false);
        var id = session.SessionId;
        var keys = Keys.Session(id);
        var layout = SessionRows.Flatten(session);

        // Index entries first: a crash after this step leaves an entry readers skip, never a session no index lists.
        var pre = AddIndexEntries(new RedisWriteBatch(), SessionIndexes(session).Concat(layout.Runs.Select(r => Keys.SessionsByRun(r.RunId))), id);
        await WriteIndexAsync(db, pre).ConfigureAwait(false);

        var (stored, oldHead, oldRuns) = await OptimisticAsync<(AgentSession, AgentSession?, RedisValue[])>("UpsertSession", id, async () =>
        {
            var (existing, _, runIds) = await ReadBeforeAsync(db, keys, id, null, listRuns: true).ConfigureAwait(false);
            var now = StorageClock.Now();
            var head = SessionRows.CopyHead(session);
            head.CreatedAt = existing?.Head.CreatedAt ?? (session.CreatedAt is { } c ? StorageClock.Truncate(c) : now);
            head.UpdatedAt = now;

            var batch = new RedisWriteBatch(keys.All);
            foreach (var key in keys.All)
            {
                batch.Delete(key);
            }

            var lastSequence = layout.Messages.Count == 0 ? 0 : layout.Messages[^1].Sequence;
            RedisRecords.WriteHead(batch, keys.Head, head, layout.RunCount, lastSequence, (existing?.Version ?? 0) + 1);
            foreach (var row in layout.Messages)
            {
                AddMessage(batch, keys, row.Sequence, row.Turn, row.RunId, row.InHistory, StorageJson.SerializeMessage(row.Message));
            }

            var counts = layout.Messages.Where(m => m.RunId is not null).GroupBy(m => m.RunId!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            foreach (var run in layout.Runs)
            {
                batch.HashSet(keys.Runs, run.RunId, RedisRecords.RunJson(run, counts.GetValueOrDefault(run.RunId)));
                batch.SortedSetAdd(keys.RunOrder, run.RunId, run.Sequence);
            }

            if (!await batch.ExecuteAsync(db, existing?.Version ?? 0, Expire).ConfigureAwait(false))
            {
                return Optional<(AgentSession, AgentSession?, RedisValue[])>.Conflict;
            }

            return (Result(head, layout), existing?.Head, runIds);
        }).ConfigureAwait(false);

        var post = RemoveIndexEntries(
            new RedisWriteBatch(),
            (oldHead is null ? [] : SessionIndexes(oldHead)).Concat(oldRuns.Select(r => Keys.SessionsByRun((string)r!))),
            SessionIndexes(stored).Concat(layout.Runs.Select(r => Keys.SessionsByRun(r.RunId))),
            id);
        await WriteIndexAsync(db, post).ConfigureAwait(false);
        return stored;
    }

    /// <summary>The session as stored, built from what was written (messages deep-copied), without reading it back.</summary>
    private static AgentSession Result(AgentSession head, SessionRows.Layout layout)
    {
        var result = SessionRows.CopyHead(head);
        result.Messages = layout.Messages.Where(m => m.InHistory).Select(m => StorageJson.Clone(m.Message)).ToList();
        result.Runs = layout.Runs.Select(r =>
        {
            var copy = SessionRows.Copy(r, withMessages: false);
            copy.Messages = layout.Messages.Where(m => m.RunId == r.RunId).Select(m => StorageJson.Clone(m.Message)).ToList();
            return copy;
        }).ToList();
        return result;
    }

    /// <summary>Adds one message row: the JSON by sequence, plus its place in the history index and in its run.</summary>
    private static void AddMessage(RedisWriteBatch batch, RedisKeys.SessionKeys keys, long sequence, long turn, string? runId, bool inHistory, string json)
    {
        var member = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        batch.HashSet(keys.Messages, member, json);
        if (inHistory)
        {
            var turnText = turn.ToString(System.Globalization.CultureInfo.InvariantCulture);
            batch.SortedSetAdd(keys.History, member, turn);
            batch.SortedSetAdd(keys.Turns, turnText, turn);
            if (runId is not null)
            {
                batch.HashSet(keys.TurnRuns, turnText, runId);
            }
        }

        if (runId is not null)
        {
            batch.SortedSetAdd(keys.RunMessages, member, turn);
        }
    }

    /// <inheritdoc />
    /// <remarks>Candidates come from the most selective index (user, then agent, then type, then all); each is checked against its
    /// head, so the cost grows with the number of candidates, never with their messages. Only the page's sessions are read whole.</remarks>
    protected override Task<PagedResult<AgentSession>> GetSessionsCoreAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        return WithDatabaseAsync(db => ListSessionsAsync(db, query), cancellationToken);
    }

    private async Task<PagedResult<AgentSession>> ListSessionsAsync(IDatabase db, SessionQuery query)
    {
        var (matches, unreadable) = await MatchingHeadsAsync(db, query).ConfigureAwait(false);
        var page = RecordOrdering.Page(matches, s => RecordOrdering.SessionKey(s, query.SortBy), s => s.SessionId, query.SortOrder, query.Limit, query.Offset);
        var whole = await Task.WhenAll(page.Items.Select(s => ReadWholeAsync(db, s.SessionId))).ConfigureAwait(false);
        var items = whole.OfType<AgentSession>().ToList();
        return new PagedResult<AgentSession>(items, page.Total - (page.Items.Count - items.Count) + unreadable.Count) { UnreadableRecords = unreadable };
    }

    /// <summary>The listing fields of every session matching the query's filters (paging not applied), cleaning stale index entries;
    /// a head whose listing fields cannot be read is reported apart (it may match: it was in the index the query reads).</summary>
    private async Task<(List<AgentSession> Matches, List<StorageException> Unreadable)> MatchingHeadsAsync(IDatabase db, SessionQuery query)
    {
        var candidates = await CandidatesAsync(db, query.SessionIds, () =>
            query.UserId is not null ? Keys.SessionsByUser(query.UserId)
            : query.AgentId is not null ? Keys.SessionsByAgent(query.AgentId)
            : query.SessionType is { } type ? Keys.SessionsByType(type)
            : Keys.SessionsAll).ConfigureAwait(false);
        var heads = await Task.WhenAll(candidates.Select(c => db.HashGetAsync(Keys.Session(c.Id).Head, ListingFields))).ConfigureAwait(false);
        var matches = new List<AgentSession>();
        var unreadable = new List<StorageException>();
        var stale = new List<IndexEntry>();
        for (var i = 0; i < candidates.Count; i++)
        {
            AgentSession? head;
            try
            {
                head = ListingHead(candidates[i].Id, heads[i]);
            }
            catch (StorageException ex) when (ex.IsCorruptData)
            {
                unreadable.Add(ex);
                continue;
            }

            if (head is not null && RecordOrdering.Matches(head, query))
            {
                if (!IsExpired(head.UpdatedAt))
                {
                    matches.Add(head);
                }
            }
            else if (query.SessionIds is null)
            {
                stale.Add(candidates[i]);
            }
        }

        await RemoveStaleAsync(db, stale).ConfigureAwait(false);
        return (matches, unreadable);
    }

    /// <summary>The listing fields of a head (null when it does not exist), for filtering and sorting without reading messages.</summary>
    private static AgentSession? ListingHead(string id, RedisValue[] f)
    {
        if (f[0].IsNull)
        {
            return null;
        }

        return new AgentSession
        {
            SessionId = id,
            SessionType = StoredNames.ParseSessionType(f[1]),
            UserId = f[2].IsNull ? null : (string?)f[2],
            AgentId = f[3].IsNull ? null : (string?)f[3],
            CreatedAt = f[4].IsNull ? null : StorageClock.FromUnixMilliseconds(RedisRecords.Integer(f[4], id), id),
            UpdatedAt = f[5].IsNull ? null : StorageClock.FromUnixMilliseconds(RedisRecords.Integer(f[5], id), id),
        };
    }

    /// <summary>Reads a whole session in one script, or null when it does not exist; a run with fewer (or more) messages than its
    /// record stored fails the read (<see cref="SessionRows.CheckMessageCounts"/>).</summary>
    private async Task<AgentSession?> ReadWholeAsync(IDatabase db, string sessionId)
    {
        var keys = Keys.Session(sessionId);
        var result = await db.ScriptEvaluateAsync(RedisScripts.Whole, [keys.Head, keys.Messages, keys.History, keys.TurnRuns, keys.Runs, keys.RunMessages]).ConfigureAwait(false);
        if (result.IsNull)
        {
            return null;
        }

        var parts = (RedisResult[])result!;
        var session = RedisRecords.ReadHead(RedisRecords.Fields(parts[0]), sessionId).Head;
        if (IsExpired(session.UpdatedAt))
        {
            return null;
        }

        var messages = RedisRecords.Fields(parts[1]);
        session.Messages = Pairs(parts[2], sessionId).OrderBy(p => p.Member).Select(p => ReadMessage(messages, sessionId, p.Member)).ToList();
        var runMessages = Pairs(parts[5], sessionId).ToLookup(p => p.Score, p => p.Member);
        var runs = RedisRecords.Fields(parts[4]).Values
            .Select(json => RedisRecords.ReadRun((string)json!, sessionId))
            .OrderBy(r => r.Run.Sequence)
            .Select(r =>
            {
                r.Run.Messages = runMessages[r.Run.Sequence].Order().Select(seq => ReadMessage(messages, sessionId, seq)).ToList();
                return (r.Run, StoredCount: r.MessageCount);
            })
            .ToList();
        SessionRows.CheckMessageCounts(sessionId, runs);
        session.Runs = runs.Select(r => r.Run).ToList();
        return session;
    }

    private static Microsoft.Extensions.AI.ChatMessage ReadMessage(Dictionary<string, RedisValue> messages, string sessionId, long sequence) =>
        messages.TryGetValue(sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), out var json) && !json.IsNull
            ? StorageJson.DeserializeMessage((string)json!, sessionId, sequence)
            : throw StorageJson.CorruptMessage(sessionId, sequence, new InvalidOperationException("The message is missing."));

    /// <summary>Reads a WITHSCORES reply of integer members and scores.</summary>
    private static IEnumerable<(long Member, long Score)> Pairs(RedisResult reply, string sessionId)
    {
        var items = (RedisResult[])reply!;
        for (var i = 0; i + 1 < items.Length; i += 2)
        {
            yield return (RedisRecords.Integer(items[i], sessionId), RedisRecords.Integer(items[i + 1], sessionId));
        }
    }

    /// <inheritdoc />
    protected override Task<int> DeleteSessionsCoreAsync(IReadOnlyList<string> sessionIds, CancellationToken cancellationToken)
    {
        return WithDatabaseAsync(async db =>
        {
            var deleted = await Task.WhenAll(sessionIds.Select(id => RemoveSessionAsync(db, id))).ConfigureAwait(false);
            return deleted.Count(d => d);
        }, cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<int> DeleteUserDataCoreAsync(string userId, CancellationToken cancellationToken)
    {
        return WithDatabaseAsync(async db =>
        {
            // A session of the user's index whose head cannot be read is deleted too: nothing of the user may stay.
            var (sessions, unreadable) = await MatchingHeadsAsync(db, new SessionQuery { UserId = userId }).ConfigureAwait(false);
            var ids = sessions.Select(s => s.SessionId).Concat(unreadable.Select(u => u.RecordId).OfType<string>());
            var deleted = await Task.WhenAll(ids.Select(id => RemoveSessionAsync(db, id))).ConfigureAwait(false);
            await RemoveUserMemoryAsync(db, userId).ConfigureAwait(false);
            return deleted.Count(d => d);
        }, cancellationToken);
    }

    /// <summary>Deletes a session whole (only when <paramref name="only"/> accepts its head, checked atomically with the delete).</summary>
    private async Task<bool> RemoveSessionAsync(IDatabase db, string sessionId, Func<AgentSession, bool>? only = null)
    {
        var keys = Keys.Session(sessionId);
        var (old, runIds) = await OptimisticAsync<(AgentSession?, RedisValue[])>("DeleteSession", sessionId, async () =>
        {
            var (existing, _, ids) = await ReadBeforeAsync(db, keys, sessionId, null, listRuns: true).ConfigureAwait(false);
            if (existing is null || (only is not null && !only(existing.Head)))
            {
                return (null, ids);
            }

            var batch = new RedisWriteBatch(keys.All);
            foreach (var key in keys.All)
            {
                batch.Delete(key);
            }

            return await batch.ExecuteAsync(db, existing.Version, null).ConfigureAwait(false)
                ? (existing.Head, ids)
                : Optional<(AgentSession?, RedisValue[])>.Conflict;
        }).ConfigureAwait(false);

        if (old is null)
        {
            return false;
        }

        var post = RemoveIndexEntries(new RedisWriteBatch(), SessionIndexes(old).Concat(runIds.Select(r => Keys.SessionsByRun((string)r!))), null, sessionId);
        await WriteIndexAsync(db, post).ConfigureAwait(false);
        return true;
    }

    /// <summary>Reads what a session write needs first: the head (null when missing), one run and, when asked, every run id.</summary>
    private static async Task<(RedisRecords.StoredHead? Head, string? RunJson, RedisValue[] RunIds)> ReadBeforeAsync(
        IDatabase db, RedisKeys.SessionKeys keys, string sessionId, string? runId, bool listRuns)
    {
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.Before, [keys.Head, keys.Runs], [runId ?? "", listRuns ? "1" : "0"]).ConfigureAwait(false))!;
        var fields = RedisRecords.Fields(result[0]);
        var head = fields.Count == 0 ? null : RedisRecords.ReadHead(fields, sessionId);
        var run = result[1].IsNull ? null : (string?)result[1];
        return (head, run, (RedisValue[])result[2]!);
    }

    /// <summary>The indexes that list a session with these values.</summary>
    private IEnumerable<RedisKey> SessionIndexes(SessionType type, string? userId, string? agentId)
    {
        yield return Keys.SessionsAll;
        yield return Keys.SessionsByType(type);
        if (userId is not null)
        {
            yield return Keys.SessionsByUser(userId);
        }

        if (agentId is not null)
        {
            yield return Keys.SessionsByAgent(agentId);
        }
    }

    private IEnumerable<RedisKey> SessionIndexes(AgentSession s) => SessionIndexes(s.SessionType, s.UserId, s.AgentId);
}
