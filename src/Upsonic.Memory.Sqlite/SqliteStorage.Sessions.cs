using System.Globalization;
using Microsoft.Data.Sqlite;
using Upsonic.Storage.Serialization;

namespace Upsonic.Storage.Sqlite;

/// <summary>The session record API: whole-session upsert, reads, listings and deletes.</summary>
public sealed partial class SqliteStorage
{
    /// <inheritdoc />
    public async Task<AgentSession> UpsertSessionAsync(AgentSession session, CancellationToken cancellationToken = default)
    {
        Guard.Session(session, nameof(session));
        return await RunAsync("UpsertSession", session.SessionId, write: true, ensureSchema: true,
            scope => UpsertSessionAsync(scope, session, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>All sessions are written in one transaction: either all are stored or none.</remarks>
    public async Task<IReadOnlyList<AgentSession>> UpsertSessionsAsync(IEnumerable<AgentSession> sessions, CancellationToken cancellationToken = default)
    {
        var list = Guard.Sessions(sessions, nameof(sessions));
        if (list.Count == 0)
        {
            return [];
        }

        return await RunAsync("UpsertSessions", null, write: true, ensureSchema: true, async scope =>
        {
            var stored = new List<AgentSession>(list.Count);
            foreach (var session in list)
            {
                stored.Add(await UpsertSessionAsync(scope, session, cancellationToken).ConfigureAwait(false));
            }

            return (IReadOnlyList<AgentSession>)stored;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces a session's head, messages and runs with the layout of <paramref name="session"/>, then reads it back.</summary>
    private async Task<AgentSession> UpsertSessionAsync(SqliteScope scope, AgentSession session, CancellationToken cancellationToken)
    {
        var now = StorageClock.Now();
        var layout = SessionRows.Flatten(session);
        var id = session.SessionId;
        await using (var delete = scope.Command(_sql.DeleteSessionRows).Bind("@session_id", id))
        {
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var head = scope.Command(_sql.UpsertHead))
        {
            head.Bind("@session_id", id).Bind("@session_type", StoredNames.Of(session.SessionType)).Bind("@agent_id", session.AgentId)
                .Bind("@team_id", session.TeamId).Bind("@workflow_id", session.WorkflowId).Bind("@user_id", session.UserId)
                .Bind("@session_data", StorageJson.SerializeObject(session.SessionData)).Bind("@agent_data", StorageJson.SerializeObject(session.AgentData))
                .Bind("@metadata", StorageJson.SerializeObject(session.Metadata)).Bind("@summary", session.Summary)
                .Bind("@summary_watermark", session.SummaryWatermark).Bind("@usage", StorageJson.SerializeUsage(session.Usage))
                .Bind("@run_count", layout.RunCount).Bind("@message_count", layout.Messages.Count == 0 ? 0 : layout.Messages[^1].Sequence)
                .BindTime("@created_at", session.CreatedAt ?? now).BindTime("@updated_at", now);
            await head.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (layout.Messages.Count > 0)
        {
            await using var insert = scope.Command(_sql.InsertMessage);
            insert.Bind("@session_id", id);
            var seq = insert.Parameters.Add("@seq", SqliteType.Integer);
            var turn = insert.Parameters.Add("@turn", SqliteType.Integer);
            var runId = insert.Parameters.Add("@run_id", SqliteType.Text);
            var inHistory = insert.Parameters.Add("@in_history", SqliteType.Integer);
            var message = insert.Parameters.Add("@message", SqliteType.Text);
            foreach (var row in layout.Messages)
            {
                seq.Value = row.Sequence;
                turn.Value = row.Turn;
                runId.Value = (object?)row.RunId ?? DBNull.Value;
                inHistory.Value = row.InHistory ? 1 : 0;
                message.Value = StorageJson.SerializeMessage(row.Message);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var run in layout.Runs)
        {
            await using var upsert = scope.Command(_sql.UpsertRun);
            upsert.Bind("@session_id", id).Bind("@run_id", run.RunId).Bind("@seq", run.Sequence).Bind("@agent_id", run.AgentId)
                .Bind("@status", StoredNames.Of(run.Status)).Bind("@fields", SqliteMapping.RunFields(run))
                .Bind("@usage", StorageJson.SerializeUsage(run.Usage)).Bind("@metadata", StorageJson.SerializeObject(run.Metadata))
                .Bind("@message_count", run.Messages.Count).BindTime("@created_at", run.CreatedAt).BindTime("@updated_at", run.UpdatedAt);
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return (await ReadSessionAsync(scope, id, cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async Task<AgentSession?> GetSessionAsync(string? sessionId = null, SessionType? sessionType = null, string? userId = null, string? agentId = null, CancellationToken cancellationToken = default)
    {
        var query = RecordOrdering.LatestSession(sessionId, sessionType, userId, agentId);
        return await RunAsync("GetSession", sessionId, write: false, ensureSchema: true, async scope =>
        {
            var heads = await ReadHeadsAsync(scope, query, cancellationToken).ConfigureAwait(false);
            return heads.Count == 0 ? null : await ReadWholeAsync(scope, heads[0], cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<PagedResult<AgentSession>> GetSessionsAsync(SessionQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new SessionQuery();
        Guard.Query(query, nameof(query));
        return await RunAsync("GetSessions", null, write: false, ensureSchema: true, async scope =>
        {
            long total;
            await using (var count = BindSessionFilter(scope.Command(_sql.CountSessions), query))
            {
                total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            var items = new List<AgentSession>();
            foreach (var head in await ReadHeadsAsync(scope, query, cancellationToken).ConfigureAwait(false))
            {
                items.Add(await ReadWholeAsync(scope, head, cancellationToken).ConfigureAwait(false));
            }

            return new PagedResult<AgentSession>(items, total);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        Guard.Id(sessionId, nameof(sessionId));
        return await RunAsync("DeleteSession", sessionId, write: true, ensureSchema: true, async scope =>
        {
            await using var command = scope.Command(_sql.DeleteSession).Bind("@session_id", sessionId);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> DeleteSessionsAsync(IReadOnlyCollection<string> sessionIds, CancellationToken cancellationToken = default)
    {
        Guard.Ids(sessionIds, nameof(sessionIds));
        var distinct = sessionIds.Distinct(StringComparer.Ordinal).ToList();
        return await RunAsync("DeleteSessions", null, write: true, ensureSchema: true, async scope =>
        {
            int existed;
            await using (var count = BindSessionFilter(scope.Command(_sql.CountSessions), new SessionQuery { SessionIds = distinct }))
            {
                existed = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            await using var delete = scope.Command(_sql.DeleteSessions).BindIds("@session_ids", distinct);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return existed;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> DeleteUserDataAsync(string userId, CancellationToken cancellationToken = default)
    {
        Guard.Id(userId, nameof(userId));
        return await RunAsync("DeleteUserData", userId, write: true, ensureSchema: true, async scope =>
        {
            int sessions;
            await using (var count = scope.Command(_sql.CountUserSessions).Bind("@user_id", userId))
            {
                sessions = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            await using var delete = scope.Command(_sql.DeleteUserData).Bind("@user_id", userId);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return sessions;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static SqliteCommand BindSessionFilter(SqliteCommand command, SessionQuery query) =>
        command.BindIds("@session_ids", query.SessionIds)
            .Bind("@session_type", query.SessionType is { } type ? StoredNames.Of(type) : null)
            .Bind("@user_id", query.UserId)
            .Bind("@agent_id", query.AgentId);

    private async Task<List<AgentSession>> ReadHeadsAsync(SqliteScope scope, SessionQuery query, CancellationToken cancellationToken)
    {
        var heads = new List<AgentSession>();
        await using var command = BindSessionFilter(scope.Command(_sql.SelectSessions(query.SortBy, query.SortOrder)), query).BindPage(query.Limit, query.Offset);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            heads.Add(SqliteMapping.ReadHead(reader));
        }

        return heads;
    }

    private async Task<AgentSession?> ReadSessionAsync(SqliteScope scope, string sessionId, CancellationToken cancellationToken)
    {
        AgentSession head;
        await using (var command = scope.Command(_sql.SelectHead).Bind("@session_id", sessionId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            head = SqliteMapping.ReadHead(reader);
        }

        return await ReadWholeAsync(scope, head, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fills a head with its history messages (by sequence) and its runs (by sequence, each with its messages).</summary>
    private async Task<AgentSession> ReadWholeAsync(SqliteScope scope, AgentSession head, CancellationToken cancellationToken)
    {
        var id = head.SessionId;
        await using (var history = scope.Command(_sql.SelectHistory).Bind("@session_id", id))
        await using (var reader = await history.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                head.Messages.Add(StorageJson.DeserializeMessage(reader.GetString(3), id, reader.GetInt64(0)));
            }
        }

        await using (var runs = scope.Command(_sql.SelectSessionRuns).Bind("@session_id", id))
        await using (var reader = await runs.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                head.Runs.Add(SqliteMapping.ReadRun(reader).Run);
            }
        }

        if (head.Runs.Count > 0)
        {
            await using var messages = scope.Command(_sql.SelectSessionRunMessages).Bind("@session_id", id);
            await AttachRunMessagesAsync(messages, id, head.Runs, cancellationToken).ConfigureAwait(false);
        }

        return head;
    }
}
