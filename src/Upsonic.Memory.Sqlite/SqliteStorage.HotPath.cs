using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Upsonic.Storage.Sqlite;

/// <summary>The per-turn hot path: load a window, append a run, and the small atomic head and profile updates.</summary>
public sealed partial class SqliteStorage
{
    /// <inheritdoc />
    protected override Task<SessionWindow?> LoadSessionWindowCoreAsync(string sessionId, int? historyTurns, CancellationToken cancellationToken) =>
        LoadSessionWindowCoreAsync(new SessionWindowRequest { SessionId = sessionId, HistoryTurns = historyTurns }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// One command in one read snapshot: the head by primary key (with its history epoch and message count), then the history
    /// rows, either those stored after the request's mark (a primary-key range, when the head matches it; the count and the token
    /// budget are applied to them here, before any is parsed) or the full window, whose turns are found by walking the
    /// (session_id, in_history, turn) index backwards up to the count and the token budget. The rows read are the window's (or
    /// the new ones), whatever the session's length; token counts are read, never computed.
    /// </remarks>
    protected override Task<SessionWindow?> LoadSessionWindowCoreAsync(SessionWindowRequest request, CancellationToken cancellationToken) =>
        InScopeAsync(write: false, async scope =>
        {
            var sessionId = request.SessionId;
            var command = scope.Prepared(_sql.LoadWindow).Bind("@session_id", sessionId)
                .Bind("@turns", request.HistoryTurns ?? -1).Bind("@budget", request.HistoryTokenBudget ?? -1)
                .Bind("@epoch", request.Since?.Epoch).Bind("@since", request.Since?.MessageSequence ?? 0)
                .Bind("@live_after", ExpiryCutoffMilliseconds());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var head = SqliteMapping.ReadHead(reader);
            var mark = new SessionWindowMark(reader.GetInt64(reader.FieldCount - 2), reader.GetInt64(reader.FieldCount - 1));
            var incremental = request.Since is { } since && since.Epoch == mark.Epoch && since.MessageSequence <= mark.MessageSequence;
            var stored = new List<StoredRow>();
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                stored.Add(new StoredRow(reader.GetInt64(0), reader.GetInt64(1), SqliteMapping.Text(reader, 2), reader.GetString(3), reader.GetInt32(4)));
            }

            var firstTurn = incremental ? FirstKeptTurn(stored, request.HistoryTurns, request.HistoryTokenBudget) : long.MinValue;
            var rows = new List<MessageRow>(stored.Count);
            foreach (var row in stored)
            {
                if (row.Turn >= firstTurn)
                {
                    var message = StorageJson.DeserializeMessage(row.Json, sessionId, row.Sequence);
                    rows.Add(new MessageRow(row.Sequence, row.Turn, row.RunId, true, message) { TokenCount = row.Tokens });
                }
            }

            return new SessionWindow(head, SessionRows.Turns(rows)) { Mark = mark, IsIncremental = incremental };
        }, cancellationToken);

    /// <summary>
    /// The oldest turn of <paramref name="rows"/> (ordered by turn) that the window keeps: the selection of
    /// <see cref="WindowSelection.Newest"/> over the rows' turns and token counts (<see cref="long.MaxValue"/> when none is kept).
    /// </summary>
    private static long FirstKeptTurn(List<StoredRow> rows, int? maxTurns, int? tokenBudget)
    {
        if (rows.Count == 0 || (maxTurns is null && tokenBudget is null))
        {
            return long.MinValue;
        }

        var turns = new List<HistoryTurn>();
        foreach (var row in rows)
        {
            if (turns.Count > 0 && turns[^1].Turn == row.Turn)
            {
                turns[^1] = turns[^1] with { TokenCount = turns[^1].TokenCount + row.Tokens };
            }
            else
            {
                turns.Add(new HistoryTurn(row.Turn, null, []) { TokenCount = row.Tokens });
            }
        }

        var kept = WindowSelection.Newest(turns, maxTurns, tokenBudget);
        return kept.Count == 0 ? long.MaxValue : kept[0].Turn;
    }

    /// <summary>A history row of a window read as stored, before its message is parsed.</summary>
    private readonly record struct StoredRow(long Sequence, long Turn, string? RunId, string Json, int Tokens);

    /// <inheritdoc />
    /// <remarks>
    /// One <c>BEGIN IMMEDIATE</c> transaction: one statement reads the head and the run by primary key, then the new messages are
    /// inserted at the next sequences (only they are serialized), the run row is upserted and the head updated by primary key, all
    /// with statements prepared once per connection. Nothing read or written
    /// grows with the session's history. The write lock is held from the first read, so concurrent appenders serialize and
    /// none loses a run or a message.
    /// </remarks>
    protected override Task<RunAppendResult> AppendRunCoreAsync(RunAppend append, CancellationToken cancellationToken)
    {
        var run = append.Run;
        var fields = SqliteMapping.RunFields(run);
        var runUsage = StorageJson.SerializeUsage(run.Usage);
        var runMetadata = StorageJson.SerializeObject(run.Metadata);
        var status = StoredNames.Of(run.Status);

        return InScopeAsync(write: true, async scope =>
        {
            var now = StorageClock.Now();
            SessionCounters? session = null;
            PreviousRunSave? previous = null;
            string? agentData = null;
            var read = scope.Prepared(_sql.AppendRead).Bind("@session_id", append.SessionId).Bind("@run_id", run.RunId);
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    // Agent data is parsed only when the append changes it; otherwise the stored text is written back as it is.
                    agentData = SqliteMapping.Text(reader, 3);
                    session = new SessionCounters(
                        reader.GetInt64(0), reader.GetInt64(1), StorageJson.DeserializeUsage(SqliteMapping.Text(reader, 2), append.SessionId),
                        string.IsNullOrEmpty(append.AgentName) ? null : StorageJson.DeserializeObject(agentData, append.SessionId, "agent_data"));
                    if (!reader.IsDBNull(4))
                    {
                        previous = new PreviousRunSave(
                            reader.GetInt64(4), reader.GetInt32(6), StorageJson.DeserializeUsage(SqliteMapping.Text(reader, 5), run.RunId),
                            reader.IsDBNull(7) ? null : StorageClock.FromUnixMilliseconds(reader.GetInt64(7)));
                    }
                }
            }

            var plan = RunAppendPlan.Create(append, session, previous, now);
            var nowMillis = StorageClock.ToUnixMilliseconds(now);
            if (plan.SessionCreated)
            {
                var insertHead = scope.Prepared(_sql.AppendInsertHead).Bind("@epoch", HistoryEpoch.New())
                    .Bind("@session_id", append.SessionId).Bind("@agent_id", run.AgentId).Bind("@user_id", run.UserId).Bind("@now", nowMillis);
                await insertHead.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (plan.NewMessageCount > 0)
            {
                var insert = scope.Prepared(_sql.InsertMessage);
                var seqParameter = insert.Parameters.Add("@seq", SqliteType.Integer);
                var messageParameter = insert.Parameters.Add("@message", SqliteType.Text);
                var tokensParameter = insert.Parameters.Add("@tokens", SqliteType.Integer);
                insert.Bind("@session_id", append.SessionId).Bind("@turn", plan.Sequence).Bind("@run_id", run.RunId).Bind("@in_history", append.AddToHistory ? 1 : 0);
                for (var i = 0; i < plan.NewMessageCount; i++)
                {
                    seqParameter.Value = plan.FirstMessageSequence + i;
                    var json = StorageJson.SerializeMessage(run.Messages[plan.FirstNewMessage + i]);
                    messageParameter.Value = json;
                    tokensParameter.Value = MessageTokens.Estimate(json);
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            var upsertRun = scope.Prepared(_sql.UpsertRun)
                .Bind("@session_id", append.SessionId).Bind("@run_id", run.RunId).Bind("@seq", plan.Sequence).Bind("@agent_id", run.AgentId)
                .Bind("@status", status).Bind("@fields", fields).Bind("@usage", runUsage).Bind("@metadata", runMetadata)
                .Bind("@message_count", plan.RunMessageCount).BindTime("@created_at", plan.Run.CreatedAt).Bind("@updated_at", nowMillis);
            await upsertRun.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

            var updateHead = scope.Prepared(_sql.AppendUpdateHead)
                .Bind("@session_id", append.SessionId).Bind("@run_count", plan.RunCount).Bind("@message_count", plan.MessageCount)
                .Bind("@usage", StorageJson.SerializeUsage(plan.SessionUsage)).Bind("@agent_data", string.IsNullOrEmpty(append.AgentName) ? agentData : StorageJson.SerializeObject(plan.AgentData))
                .Bind("@now", nowMillis);
            await updateHead.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

            return plan.Result;
        }, cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<bool> UpdateSummaryCoreAsync(string sessionId, string summary, long watermark, CancellationToken cancellationToken) =>
        InScopeAsync(write: true, async scope =>
        {
            var command = scope.Prepared(_sql.UpdateSummary).Bind("@session_id", sessionId).Bind("@summary", summary)
                .Bind("@watermark", watermark).Bind("@now", StorageClock.ToUnixMilliseconds(StorageClock.Now()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Read and write happen in one <c>BEGIN IMMEDIATE</c> transaction, so concurrent merges serialize and every key survives.</remarks>
    protected override Task<bool> MergeSessionMetadataCoreAsync(string sessionId, JsonObject metadata, CancellationToken cancellationToken)
    {
        var patch = (JsonObject)metadata.DeepClone();
        return InScopeAsync(write: true, async scope =>
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
        }, cancellationToken);
    }
}
