using Microsoft.Data.Sqlite;
using Upsonic.Storage.Serialization;

namespace Upsonic.Storage.Sqlite;

/// <summary>Reading run records with their messages.</summary>
public sealed partial class SqliteStorage
{
    /// <inheritdoc />
    /// <remarks>The run by primary key, its messages through the (session_id, run_id, seq) index.</remarks>
    public async Task<RunRecord?> GetRunAsync(string sessionId, string runId, CancellationToken cancellationToken = default)
    {
        Guard.Id(sessionId, nameof(sessionId));
        Guard.Id(runId, nameof(runId));
        return await RunAsync("GetRun", runId, write: false, ensureSchema: true, async scope =>
        {
            await using var command = scope.Command(_sql.SelectRun).Bind("@session_id", sessionId).Bind("@run_id", runId);
            return await ReadOneRunAsync(scope, command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Uses the index on run_id; when several sessions hold the id, the first session id (ordinal) wins.</remarks>
    public async Task<RunRecord?> FindRunAsync(string runId, string? agentId = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(runId, nameof(runId));
        Guard.OptionalNonBlankId(agentId, nameof(agentId));
        return await RunAsync("FindRun", runId, write: false, ensureSchema: true, async scope =>
        {
            await using var command = scope.Command(_sql.FindRun).Bind("@run_id", runId).Bind("@agent_id", agentId);
            return await ReadOneRunAsync(scope, command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>The runs through the unique (session_id, seq) index with LIMIT; their messages in one query by run id.</remarks>
    public async Task<IReadOnlyList<RunRecord>> GetRunsAfterAsync(string sessionId, long afterSequence, int maxRuns, CancellationToken cancellationToken = default)
    {
        Guard.Id(sessionId, nameof(sessionId));
        ArgumentOutOfRangeException.ThrowIfNegative(maxRuns);
        if (maxRuns == 0)
        {
            return [];
        }

        return await RunAsync("GetRunsAfter", sessionId, write: false, ensureSchema: true, async scope =>
        {
            var runs = new List<RunRecord>();
            await using (var command = scope.Command(_sql.SelectRunsAfter).Bind("@session_id", sessionId).Bind("@after", afterSequence).Bind("@limit", maxRuns))
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
                    .Bind("@session_id", sessionId).BindIds("@run_ids", runs.Select(r => r.RunId));
                await AttachRunMessagesAsync(messages, sessionId, runs, cancellationToken).ConfigureAwait(false);
            }

            return (IReadOnlyList<RunRecord>)runs;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the single run a command selects, then its messages by (session_id, run_id).</summary>
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
        await using var messages = scope.Command(_sql.SelectRunMessages).Bind("@session_id", sessionId).Bind("@run_id", run.RunId);
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
