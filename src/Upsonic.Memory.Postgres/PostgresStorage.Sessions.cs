using System.Data;
using Npgsql;
using P = Upsonic.Storage.Postgres.PostgresParameters;

namespace Upsonic.Storage.Postgres;

/// <summary>The session record API: whole-session upserts, reads, listings and deletes.</summary>
public sealed partial class PostgresStorage
{
    /// <inheritdoc />
    /// <remarks>One transaction: per session the head upsert (created_at kept) and its message and run rows replaced by
    /// <c>SessionRows.Flatten</c>'s layout, then the stored sessions read back.</remarks>
    protected override Task<IReadOnlyList<AgentSession>> UpsertSessionsCoreAsync(IReadOnlyList<AgentSession> sessions, CancellationToken cancellationToken)
    {
        return WithConnectionAsync<IReadOnlyList<AgentSession>>(async (connection, ct) =>
            await WriteSessionsAsync(connection, sessions, ct).ConfigureAwait(false), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Two round trips: the count and the page of heads, then the page's message and run rows.</remarks>
    protected override Task<PagedResult<AgentSession>> GetSessionsCoreAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        return WithConnectionAsync((connection, ct) => ReadSessionsAsync(connection, null, query, ct), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One transaction: the heads, then their rows (see <see cref="DeleteHeadsAsync"/>).</remarks>
    protected override Task<int> DeleteSessionsCoreAsync(IReadOnlyList<string> sessionIds, CancellationToken cancellationToken)
    {
        return WithConnectionAsync(
            (connection, ct) => DeleteHeadsAsync(connection, Statement(_sql.DeleteSessions, P.TextArray(sessionIds)), null, ct), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One transaction: the user's sessions (their heads, then their rows, see <see cref="DeleteHeadsAsync"/>) and profile.</remarks>
    protected override Task<int> DeleteUserDataCoreAsync(string userId, CancellationToken cancellationToken)
    {
        return WithConnectionAsync(
            (connection, ct) => DeleteHeadsAsync(connection, Statement(_sql.DeleteUserSessions, P.Text(userId)), Statement(_sql.DeleteUserMemory, P.Text(userId)), ct),
            cancellationToken);
    }

    /// <summary>
    /// Deletes session heads with <paramref name="deleteHeads"/> (which returns their ids), together with <paramref name="alsoDelete"/>
    /// when given, then the message and run rows of those sessions, in one read-committed transaction; returns how many heads it deleted.
    /// </summary>
    /// <remarks>
    /// The message and run tables hold no foreign key to the heads (its check on every inserted row was a large part of a turn's
    /// server time); the rows are deleted here instead, in statements after the heads', so that none is left behind: every write of
    /// a session's rows holds its head's row lock, so the head delete waits for a writer of the session to commit; the row deletes,
    /// statements with a snapshot of their own, then see all it wrote; and a writer that comes later finds no head, or waits for
    /// this transaction and creates the session anew.
    /// </remarks>
    private async Task<int> DeleteHeadsAsync(NpgsqlConnection connection, NpgsqlBatchCommand deleteHeads, NpgsqlBatchCommand? alsoDelete, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct).ConfigureAwait(false);
        var ids = new List<string>();
        await using (var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { deleteHeads } })
        {
            if (alsoDelete is not null)
            {
                batch.BatchCommands.Add(alsoDelete);
            }

            await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                ids.Add(reader.GetString(0));
            }
        }

        if (ids.Count > 0)
        {
            await using var rows = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands = { Statement(_sql.DeleteSessionsMessages, P.TextArray(ids)), Statement(_sql.DeleteSessionsRuns, P.TextArray(ids)) },
            };
            await rows.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return ids.Count;
    }

    private async Task<IReadOnlyList<AgentSession>> WriteSessionsAsync(NpgsqlConnection connection, IReadOnlyList<AgentSession> sessions, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var now = StorageClock.Now();
        foreach (var session in sessions)
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var statement in WriteSession(session, now))
            {
                batch.BatchCommands.Add(statement);
            }

            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var ids = sessions.Select(s => s.SessionId).Distinct(StringComparer.Ordinal).ToList();
        var stored = (await ReadSessionsAsync(connection, transaction, new SessionQuery { SessionIds = ids }, ct).ConfigureAwait(false))
            .Items.ToDictionary(s => s.SessionId, StringComparer.Ordinal);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return sessions.Select(s => stored[s.SessionId]).ToList();
    }

    private IEnumerable<NpgsqlBatchCommand> WriteSession(AgentSession session, DateTimeOffset now)
    {
        var id = session.SessionId;
        var layout = SessionRows.Flatten(session);
        var nowMs = PostgresMapping.Millis(now);
        yield return Statement(
            _sql.UpsertHead,
            P.Text(id), P.Text(StoredNames.Of(session.SessionType)), P.Text(session.AgentId), P.Text(session.TeamId), P.Text(session.WorkflowId),
            P.Text(session.UserId), P.Jsonb(PostgresText.EncodeObject(session.SessionData)), P.Jsonb(PostgresText.EncodeObject(session.AgentData)),
            P.Jsonb(PostgresText.EncodeObject(session.Metadata)), P.Text(session.Summary), P.Long(session.SummaryWatermark),
            P.Jsonb(PostgresMapping.Usage(session.Usage)), P.Long(layout.RunCount), P.Long(layout.Messages.Count),
            P.Long(PostgresMapping.Millis(session.CreatedAt) ?? nowMs), P.Long(nowMs), P.Long(HistoryEpoch.New()));
        yield return Statement(_sql.DeleteSessionsMessages, P.TextArray([id]));
        yield return Statement(_sql.DeleteSessionsRuns, P.TextArray([id]));
        if (layout.Messages.Count > 0)
        {
            var rows = layout.Messages;
            var json = rows.Select(r => StorageJson.SerializeMessage(r.Message)).ToArray();
            yield return Statement(
                _sql.InsertMessageRows,
                P.Text(id),
                P.LongArray(rows.Select(r => r.Sequence).ToArray()),
                P.LongArray(rows.Select(r => r.Turn).ToArray()),
                P.TextArray(rows.Select(r => r.RunId)),
                P.BoolArray(rows.Select(r => r.InHistory).ToArray()),
                P.RawTextArray(json),
                P.IntArray(Array.ConvertAll(json, MessageTokens.Estimate)));
        }

        foreach (var run in layout.Runs)
        {
            yield return Statement(_sql.UpsertRun, PostgresMapping.RunParameters(run, id, run.Sequence, run.Messages.Count, run.CreatedAt, run.UpdatedAt));
        }
    }

    private async Task<PagedResult<AgentSession>> ReadSessionsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, SessionQuery query, CancellationToken ct)
    {
        NpgsqlParameter[] Filters() =>
        [
            P.TextArray(query.SessionIds),
            P.Text(query.SessionType is { } type ? StoredNames.Of(type) : null),
            P.Text(query.UserId),
            P.Text(query.AgentId),
            P.Long(ExpiryCutoffMilliseconds()),
        ];

        long total;
        var sessions = new List<AgentSession>();
        await using (var page = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                Statement(_sql.CountSessions, Filters()),
                Statement(_sql.SelectSessions(query.SortBy, query.SortOrder), [.. Filters(), P.Long(query.Limit), P.Long(query.Offset ?? 0)]),
            },
        })
        await using (var reader = await page.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            await reader.ReadAsync(ct).ConfigureAwait(false);
            total = reader.GetInt64(0);
            await reader.NextResultAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                sessions.Add(PostgresMapping.ReadHead(reader));
            }
        }

        if (sessions.Count == 0)
        {
            return new PagedResult<AgentSession>(sessions, total);
        }

        var byId = sessions.ToDictionary(s => s.SessionId, StringComparer.Ordinal);
        var runs = new Dictionary<(string, string), (RunRecord Run, long StoredCount)>();
        var ids = byId.Keys.ToArray();
        await using var children = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                Statement(_sql.SessionRuns, P.TextArray(ids)),
                Statement(_sql.SessionMessages, P.TextArray(ids)),
            },
        };
        await using var rows = await children.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await rows.ReadAsync(ct).ConfigureAwait(false))
        {
            var run = PostgresMapping.ReadRun(rows);
            runs[(run.SessionId!, run.RunId)] = (run, rows.GetInt32(PostgresMapping.RunMessageCountOrdinal));
            byId[run.SessionId!].Runs.Add(run);
        }

        await rows.NextResultAsync(ct).ConfigureAwait(false);
        while (await rows.ReadAsync(ct).ConfigureAwait(false))
        {
            var sessionId = PostgresMapping.Text(rows, 0)!;
            var sequence = rows.GetInt64(1);
            var runId = PostgresMapping.Text(rows, 2);
            var message = StorageJson.DeserializeMessage(rows.GetString(4), sessionId, sequence);
            if (rows.GetBoolean(3))
            {
                byId[sessionId].Messages.Add(message);
            }

            if (runId is not null && runs.TryGetValue((sessionId, runId), out var run))
            {
                // A message in both the history and its run is read once and cloned, so the two lists never share an object.
                run.Run.Messages.Add(rows.GetBoolean(3) ? StorageJson.Clone(message) : message);
            }
        }

        foreach (var session in sessions)
        {
            SessionRows.CheckMessageCounts(session.SessionId, session.Runs.Select(r => runs[(session.SessionId, r.RunId)]));
        }

        return new PagedResult<AgentSession>(sessions, total);
    }
}
