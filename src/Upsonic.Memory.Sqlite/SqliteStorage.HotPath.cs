using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Upsonic.Storage.Sqlite;

/// <summary>The per-turn hot path: load a window, append a run, and the small atomic head and profile updates.</summary>
public sealed partial class SqliteStorage
{
    /// <inheritdoc />
    /// <remarks>
    /// One command with two SELECTs in one read snapshot: the head by primary key, then the history rows of the last
    /// <paramref name="historyTurns"/> distinct turns through the (session_id, in_history, turn) index with a LIMIT on the
    /// distinct turns. The rows read are the window's, whatever the session's length.
    /// </remarks>
    public async Task<SessionWindow?> LoadSessionWindowAsync(string sessionId, int? historyTurns, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        if (historyTurns is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(historyTurns), historyTurns, "The number of history turns must not be negative.");
        }

        return await RunAsync("LoadSessionWindow", sessionId, write: false, ensureSchema: true, async scope =>
        {
            await using var command = scope.Command(_sql.LoadWindow).Bind("@session_id", sessionId).Bind("@turns", historyTurns ?? -1);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var head = SqliteMapping.ReadHead(reader);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            var rows = new List<MessageRow>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var seq = reader.GetInt64(0);
                var message = StorageJson.DeserializeMessage(reader.GetString(3), sessionId, seq);
                rows.Add(new MessageRow(seq, reader.GetInt64(1), SqliteMapping.Text(reader, 2), true, message));
            }

            return new SessionWindow(head, SessionRows.Turns(rows));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One <c>BEGIN IMMEDIATE</c> transaction: one statement reads the head and the run by primary key, then the new messages are
    /// inserted at the next sequences, the run row is upserted and the head updated by primary key. Nothing read or written
    /// grows with the session's history. The write lock is held from the first read, so concurrent appenders serialize and
    /// none loses a run or a message.
    /// </remarks>
    public async Task<RunAppendResult> AppendRunAsync(RunAppend append, CancellationToken cancellationToken = default)
    {
        StorageArguments.Append(append, nameof(append));
        var run = append.Run;
        var serialized = run.Messages.Select(StorageJson.SerializeMessage).ToList();
        var fields = SqliteMapping.RunFields(run);
        var runUsage = StorageJson.SerializeUsage(run.Usage);
        var runMetadata = StorageJson.SerializeObject(run.Metadata);
        var status = StoredNames.Of(run.Status);

        return await RunAsync("AppendRun", append.SessionId, write: true, ensureSchema: true, async scope =>
        {
            var now = StorageClock.ToUnixMilliseconds(StorageClock.Now());
            long runCount = 0, messageCount = 0;
            string? headUsage = null, agentData = null;
            long? previousSeq = null;
            string? previousUsage = null;
            var alreadyStored = 0;
            var runCreatedAt = now;
            var created = true;
            await using (var read = scope.Command(_sql.AppendRead).Bind("@session_id", append.SessionId).Bind("@run_id", run.RunId))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    created = false;
                    runCount = reader.GetInt64(0);
                    messageCount = reader.GetInt64(1);
                    headUsage = SqliteMapping.Text(reader, 2);
                    agentData = SqliteMapping.Text(reader, 3);
                }

                if (!created && !reader.IsDBNull(4))
                {
                    previousSeq = reader.GetInt64(4);
                    previousUsage = SqliteMapping.Text(reader, 5);
                    alreadyStored = reader.GetInt32(6);
                    runCreatedAt = reader.IsDBNull(7) ? now : reader.GetInt64(7);
                }
            }

            if (created)
            {
                await using var insertHead = scope.Command(_sql.AppendInsertHead)
                    .Bind("@session_id", append.SessionId).Bind("@agent_id", run.AgentId).Bind("@user_id", run.UserId).Bind("@now", now);
                await insertHead.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var sequence = previousSeq ?? ++runCount;
            var appended = 0;
            if (serialized.Count > alreadyStored)
            {
                await using var insert = scope.Command(_sql.InsertMessage);
                var seqParameter = insert.Parameters.Add("@seq", SqliteType.Integer);
                var messageParameter = insert.Parameters.Add("@message", SqliteType.Text);
                insert.Bind("@session_id", append.SessionId).Bind("@turn", sequence).Bind("@run_id", run.RunId).Bind("@in_history", append.AddToHistory ? 1 : 0);
                for (var i = alreadyStored; i < serialized.Count; i++)
                {
                    seqParameter.Value = ++messageCount;
                    messageParameter.Value = serialized[i];
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    appended++;
                }
            }

            await using (var upsertRun = scope.Command(_sql.UpsertRun))
            {
                upsertRun.Bind("@session_id", append.SessionId).Bind("@run_id", run.RunId).Bind("@seq", sequence).Bind("@agent_id", run.AgentId)
                    .Bind("@status", status).Bind("@fields", fields).Bind("@usage", runUsage).Bind("@metadata", runMetadata)
                    .Bind("@message_count", Math.Max(alreadyStored, serialized.Count)).Bind("@created_at", runCreatedAt).Bind("@updated_at", now);
                await upsertRun.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var usage = UsageMath.ApplyRunDelta(
                StorageJson.DeserializeUsage(headUsage, append.SessionId), run.Usage, StorageJson.DeserializeUsage(previousUsage, run.RunId));
            if (!string.IsNullOrEmpty(append.AgentName))
            {
                var data = StorageJson.DeserializeObject(agentData, append.SessionId, "agent_data") ?? [];
                data["agent_name"] = append.AgentName;
                agentData = StorageJson.SerializeObject(data);
            }

            await using (var updateHead = scope.Command(_sql.AppendUpdateHead))
            {
                updateHead.Bind("@session_id", append.SessionId).Bind("@run_count", runCount).Bind("@message_count", messageCount)
                    .Bind("@usage", StorageJson.SerializeUsage(usage)).Bind("@agent_data", agentData).Bind("@now", now);
                await updateHead.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return new RunAppendResult(sequence, appended, created, previousSeq is null);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> UpdateSummaryAsync(string sessionId, string summary, long watermark, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        ArgumentNullException.ThrowIfNull(summary);
        return await RunAsync("UpdateSummary", sessionId, write: true, ensureSchema: true, async scope =>
        {
            await using var command = scope.Command(_sql.UpdateSummary).Bind("@session_id", sessionId).Bind("@summary", summary)
                .Bind("@watermark", watermark).Bind("@now", StorageClock.ToUnixMilliseconds(StorageClock.Now()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Read and write happen in one <c>BEGIN IMMEDIATE</c> transaction, so concurrent merges serialize and every key survives.</remarks>
    public async Task<bool> MergeSessionMetadataAsync(string sessionId, JsonObject metadata, CancellationToken cancellationToken = default)
    {
        StorageArguments.Id(sessionId, nameof(sessionId));
        ArgumentNullException.ThrowIfNull(metadata);
        var patch = (JsonObject)metadata.DeepClone();
        return await RunAsync("MergeSessionMetadata", sessionId, write: true, ensureSchema: true, async scope =>
        {
            JsonObject current;
            await using (var read = scope.Command(_sql.SelectMetadata).Bind("@session_id", sessionId))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }

                current = StorageJson.DeserializeObject(SqliteMapping.Text(reader, 0), sessionId, "metadata") ?? [];
            }

            foreach (var (key, value) in patch)
            {
                current[key] = value?.DeepClone();
            }

            await using var write = scope.Command(_sql.UpdateMetadata).Bind("@session_id", sessionId)
                .Bind("@metadata", StorageJson.SerializeObject(current)).Bind("@now", StorageClock.ToUnixMilliseconds(StorageClock.Now()));
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Read, merge (<see cref="ProfileMerge"/>) and write happen in one <c>BEGIN IMMEDIATE</c> transaction.</remarks>
    public async Task<UserMemory> UpdateUserProfileAsync(ProfileUpdate update, CancellationToken cancellationToken = default)
    {
        StorageArguments.Profile(update, nameof(update));
        return await RunAsync("UpdateUserProfile", update.UserId, write: true, ensureSchema: true, async scope =>
        {
            JsonObject? current = null;
            await using (var read = scope.Command(_sql.SelectProfile).Bind("@user_id", update.UserId))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    current = StorageJson.DeserializeObject(reader.GetString(0), update.UserId, "user_memory");
                }
            }

            var merged = new UserMemory
            {
                UserId = update.UserId,
                Profile = ProfileMerge.Apply(current, update.Traits, update.Mode),
                AgentId = update.AgentId,
                TeamId = update.TeamId,
            };
            return await UpsertUserMemoryAsync(scope, merged, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }
}
