using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Upsonic.Storage.Sqlite;

/// <summary>The session record API: whole-session upsert, reads, listings and deletes.</summary>
public sealed partial class SqliteStorage
{
    /// <inheritdoc />
    /// <remarks>All sessions are written in one transaction: either all are stored or none.</remarks>
    protected override Task<IReadOnlyList<AgentSession>> UpsertSessionsCoreAsync(IReadOnlyList<AgentSession> sessions, CancellationToken cancellationToken) =>
        InScopeAsync(write: true, async scope =>
        {
            var stored = new List<AgentSession>(sessions.Count);
            foreach (var session in sessions)
            {
                stored.Add(await UpsertSessionAsync(scope, session, cancellationToken).ConfigureAwait(false));
            }

            return (IReadOnlyList<AgentSession>)stored;
        }, cancellationToken);

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
                .Bind("@epoch", HistoryEpoch.New()).BindTime("@created_at", session.CreatedAt ?? now).BindTime("@updated_at", now);
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
            var tokens = insert.Parameters.Add("@tokens", SqliteType.Integer);
            foreach (var row in layout.Messages)
            {
                seq.Value = row.Sequence;
                turn.Value = row.Turn;
                runId.Value = (object?)row.RunId ?? DBNull.Value;
                inHistory.Value = row.InHistory ? 1 : 0;
                var json = StorageJson.SerializeMessage(row.Message);
                message.Value = json;
                tokens.Value = MessageTokens.Estimate(json);
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
    protected override Task<PagedResult<AgentSession>> GetSessionsCoreAsync(SessionQuery query, CancellationToken cancellationToken) =>
        InScopeAsync(write: false, async scope =>
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
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<int> DeleteSessionsCoreAsync(IReadOnlyList<string> sessionIds, CancellationToken cancellationToken) =>
        InScopeAsync(write: true, async scope =>
        {
            int existed;
            await using (var count = BindSessionFilter(scope.Command(_sql.CountSessions), new SessionQuery { SessionIds = sessionIds }))
            {
                existed = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            await using var delete = scope.Command(_sql.DeleteSessions).BindIds("@session_ids", sessionIds);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return existed;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<int> DeleteUserDataCoreAsync(string userId, CancellationToken cancellationToken) =>
        InScopeAsync(write: true, async scope =>
        {
            int sessions;
            await using (var count = scope.Command(_sql.CountUserSessions).Bind("@user_id", userId))
            {
                sessions = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            await using var delete = scope.Command(_sql.DeleteUserData).Bind("@user_id", userId);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return sessions;
        }, cancellationToken);

    private SqliteCommand BindSessionFilter(SqliteCommand command, SessionQuery query) =>
        command.Bind("@live_after", ExpiryCutoffMilliseconds()).BindIds("@session_ids", query.SessionIds)
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
        await using (var command = scope.Command(_sql.SelectHead).Bind("@session_id", sessionId).Bind("@live_after", ExpiryCutoffMilliseconds()))
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

    /// <summary>Fills a head with its history messages (by sequence) and its runs (by sequence, each with its messages); a run
    /// with fewer (or more) message rows than its record stored fails the read (<see cref="SessionRows.CheckMessageCounts"/>).</summary>
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

        var stored = new List<(RunRecord Run, long StoredCount)>();
        await using (var runs = scope.Command(_sql.SelectSessionRuns).Bind("@session_id", id))
        await using (var reader = await runs.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var (run, count) = SqliteMapping.ReadRun(reader);
                head.Runs.Add(run);
                stored.Add((run, count));
            }
        }

        if (head.Runs.Count > 0)
        {
            await using var messages = scope.Command(_sql.SelectSessionRunMessages).Bind("@session_id", id);
            await AttachRunMessagesAsync(messages, id, head.Runs, cancellationToken).ConfigureAwait(false);
            SessionRows.CheckMessageCounts(id, stored);
        }

        return head;
    }
}
