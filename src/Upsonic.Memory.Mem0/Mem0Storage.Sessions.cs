namespace Upsonic.Storage.Mem0;

// The session record API and forgetting a user: whole sessions as one Mem0 record each.
public sealed partial class Mem0Storage
{
    /// <inheritdoc />
    protected override async Task<IReadOnlyList<AgentSession>> UpsertSessionsCoreAsync(IReadOnlyList<AgentSession> sessions, CancellationToken cancellationToken)
    {
        var stored = new List<AgentSession>(sessions.Count);
        foreach (var session in sessions)
        {
            stored.Add(await UnderGateAsync(_sessions, session.SessionId, async () =>
            {
                var (existing, record) = await LoadSessionAsync(session.SessionId, cancellationToken).ConfigureAwait(false);
                var now = StorageClock.Now();
                var head = SessionRows.CopyHead(session);
                head.CreatedAt = existing?.Head.CreatedAt ?? (session.CreatedAt is { } created ? StorageClock.Truncate(created) : now);
                head.UpdatedAt = now;
                var document = Mem0SessionDocument.FromLayout(head, SessionRows.Flatten(session));
                await SaveSessionAsync(document, record, cancellationToken).ConfigureAwait(false);
                return document.ReadWhole();
            }, cancellationToken).ConfigureAwait(false));
        }

        return stored;
    }

    /// <inheritdoc />
    /// <remarks>Every session record is listed and decoded; one that cannot be read is reported in
    /// <see cref="PagedResult{T}.UnreadableRecords"/> in its place of the order, filtered and ordered by its metadata fields.</remarks>
    protected override async Task<PagedResult<AgentSession>> GetSessionsCoreAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        var type = query.SessionType?.ToString().ToLowerInvariant();
        return PageListed(await AllSessionsAsync(includeExpired: false, cancellationToken).ConfigureAwait(false),
            d => RecordOrdering.Matches(d.Head, query),
            main => IsOneOf(_sessions, main, query.SessionIds) && StoredFieldMayBe(main, "session_type", type)
                && StoredFieldMayBe(main, "user_id", query.UserId) && StoredFieldMayBe(main, "agent_id", query.AgentId),
            d => RecordOrdering.SessionKey(d.Head, query.SortBy),
            main => StoredSortKey(main, query.SortBy),
            d => d.Head.SessionId, query.SortOrder, query.Limit, query.Offset, d => d.ReadWhole());
    }

    /// <inheritdoc />
    protected override async Task<int> DeleteSessionsCoreAsync(IReadOnlyList<string> sessionIds, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var id in sessionIds.Distinct(StringComparer.Ordinal))
        {
            if (await UnderGateAsync(_sessions, id, () => _sessions.DeleteAsync(id, cancellationToken), cancellationToken).ConfigureAwait(false))
            {
                deleted++;
            }
        }

        return deleted;
    }

    /// <inheritdoc />
    protected override async Task<int> DeleteUserDataCoreAsync(string userId, CancellationToken cancellationToken)
    {
        // Expired sessions of the user too: they are not returned, but they are still stored until a sweep deletes them. A session
        // that cannot be decoded is the user's when its metadata says so; records are deleted by memory id (an undecodable record
        // whose id was too long for metadata has no other name).
        var memoryIds = (await AllSessionsAsync(includeExpired: true, cancellationToken).ConfigureAwait(false))
            .Where(l => l.Value is { } d ? d.Head.UserId == userId : StoredFieldMayBe(l.Main, "user_id", userId))
            .Select(l => l.Main.UpsonicId ?? _sessions.MemoryId(l.Id)).Distinct(StringComparer.Ordinal).ToList();
        var deleted = 0;
        foreach (var memoryId in memoryIds)
        {
            if (await UnderGateAsync(memoryId, () => _sessions.DeleteMemoryAsync(memoryId, null, cancellationToken), cancellationToken).ConfigureAwait(false))
            {
                deleted++;
            }
        }

        await DeleteUserMemoriesCoreAsync([userId], cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <summary>Rewrites a stored session record through <paramref name="edit"/>, bypassing the storage rules (tests of corrupt data).</summary>
    internal Task RewriteSessionAsync(string sessionId, Action<Mem0SessionDocument> edit, CancellationToken ct) =>
        UnderGateAsync(_sessions, sessionId, async () =>
        {
            var (document, record) = await LoadSessionAsync(sessionId, ct).ConfigureAwait(false);
            if (document is null)
            {
                throw new InvalidOperationException($"Session '{sessionId}' does not exist.");
            }

            edit(document);
            await SaveSessionAsync(document, record, ct).ConfigureAwait(false);
            return true;
        }, ct);

    /// <summary>A session's document (null when it does not exist or has expired) and its stored record (also when it has
    /// expired, so a write replaces that record in place).</summary>
    private async Task<(Mem0SessionDocument? Document, Mem0StoredRecord? Record)> LoadSessionAsync(string sessionId, CancellationToken ct)
    {
        var record = await _sessions.GetAsync(sessionId, ct).ConfigureAwait(false);
        return Live(record) is null ? (null, record) : (Mem0SessionDocument.FromJson(record!.Json, sessionId), record);
    }

    /// <summary>Every session, each decoded or listed with why it cannot be; expired ones left out (not decoded) unless
    /// <paramref name="includeExpired"/>.</summary>
    private async Task<IReadOnlyList<Mem0Listed<Mem0SessionDocument>>> AllSessionsAsync(bool includeExpired, CancellationToken ct) =>
        (await _sessions.ListAsync(includeExpired ? null : main => !Expired(main), ct).ConfigureAwait(false))
            .Select(l => l.Then(r => Mem0SessionDocument.FromJson(r.Json, r.Id)))
            .ToList();

    private Task SaveSessionAsync(Mem0SessionDocument document, Mem0StoredRecord? existing, CancellationToken ct)
    {
        var head = document.Head;
        KeyValuePair<string, string?>[] fields =
        [
            new("session_id", head.SessionId),
            new("session_type", head.SessionType.ToString().ToLowerInvariant()),
            new("agent_id", head.AgentId),
            new("team_id", head.TeamId),
            new("workflow_id", head.WorkflowId),
            new("user_id", head.UserId),
            new("created_at", Iso(head.CreatedAt)),
            new("updated_at", Iso(head.UpdatedAt)),
        ];
        return _sessions.PutAsync(head.SessionId, fields, document.ToJson(), existing, ct);
    }
}
