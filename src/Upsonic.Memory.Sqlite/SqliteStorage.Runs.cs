using Microsoft.Data.Sqlite;

namespace Upsonic.Storage.Sqlite;

/// <summary>Reading run records with their messages.</summary>
public sealed partial class SqliteStorage
{
    /// <inheritdoc />
    /// <remarks>The run by primary key, its messages (whose turn is the run's sequence) through the (session_id, in_history, turn) index.</remarks>
    protected override Task<RunRecord?> GetRunCoreAsync(string sessionId, string runId, CancellationToken cancellationToken) =>
        InScopeAsync(write: false, async scope =>
        {
            await using var command = scope.Command(_sql.SelectRun).Bind("@session_id", sessionId).Bind("@run_id", runId).Bind("@live_after", ExpiryCutoffMilliseconds());
            return await ReadOneRunAsync(scope, command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Uses the index on run_id; when several sessions hold the id, the first session id (ordinal) wins.</remarks>
    protected override Task<RunRecord?> FindRunCoreAsync(string runId, string? agentId, CancellationToken cancellationToken) =>
        InScopeAsync(write: false, async scope =>
        {
            await using var command = scope.Command(_sql.FindRun).Bind("@run_id", runId).Bind("@agent_id", agentId).Bind("@live_after", ExpiryCutoffMilliseconds());
            return await ReadOneRunAsync(scope, command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>The runs through the unique (session_id, seq) index with LIMIT; their messages in one query, by the turn range
    /// of those runs in the (session_id, in_history, turn) index.</remarks>
    protected override Task<IReadOnlyList<RunRecord>> GetRunsAfterCoreAsync(string sessionId, long afterSequence, int maxRuns, CancellationToken cancellationToken) =>
        InScopeAsync(write: false, async scope =>
        {
            var runs = new List<RunRecord>();
            await using (var command = scope.Command(_sql.SelectRunsAfter).Bind("@session_id", sessionId).Bind("@after", afterSequence).Bind("@limit", maxRuns).Bind("@live_after", ExpiryCutoffMilliseconds()))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    runs.Add(SqliteMapping.ReadRun(reader).Run);
                }
            }

            runs.Reverse();
            if (runs.Count > 0)
            {
                await using var messages = scope.Command(_sql.SelectRunsMessages)
                    .Bind("@session_id", sessionId).Bind("@first_turn", runs[0].Sequence).Bind("@last_turn", runs[^1].Sequence)
                    .BindIds("@run_ids", runs.Select(r => r.RunId));
                await AttachRunMessagesAsync(messages, sessionId, runs, cancellationToken).ConfigureAwait(false);
            }

            return (IReadOnlyList<RunRecord>)runs;
        }, cancellationToken);

    /// <summary>Reads the single run a command selects, then its messages by (session_id, turn = the run's sequence, run_id).</summary>
    private async Task<RunRecord?> ReadOneRunAsync(SqliteScope scope, SqliteCommand command, CancellationToken cancellationToken)
    {
        RunRecord run;
        int storedCount;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            (run, storedCount) = SqliteMapping.ReadRun(reader);
        }

        var sessionId = run.SessionId!;
        await using var messages = scope.Command(_sql.SelectRunMessages).Bind("@session_id", sessionId).Bind("@turn", run.Sequence).Bind("@run_id", run.RunId);
        await using var rows = await messages.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var seq = rows.GetInt64(0);
            run.Messages.Add(StorageJson.DeserializeMessage(rows.GetString(1), sessionId, seq));
        }

        SessionRows.CheckMessageCount(run, storedCount);
        return run;
    }

    /// <summary>Reads (run_id, seq, message) rows ordered by seq and adds each message to its run.</summary>
    private static async Task AttachRunMessagesAsync(SqliteCommand command, string sessionId, IReadOnlyList<RunRecord> runs, CancellationToken cancellationToken)
    {
        var byId = runs.ToDictionary(r => r.RunId, StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (byId.TryGetValue(reader.GetString(0), out var run))
            {
                var seq = reader.GetInt64(1);
                run.Messages.Add(StorageJson.DeserializeMessage(reader.GetString(2), sessionId, seq));
            }
        }
    }
}
