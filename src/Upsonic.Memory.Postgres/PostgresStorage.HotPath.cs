using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Npgsql;
using P = Upsonic.Storage.Postgres.PostgresParameters;

namespace Upsonic.Storage.Postgres;

/// <summary>The per-turn hot path: load a window, append a run, and the atomic head and profile updates.</summary>
public sealed partial class PostgresStorage
{
    /// <summary>The most messages stored after a held window's mark that an incremental read returns; past it (another writer
    /// stored many turns) the full window is read instead, which is bounded by the window.</summary>
    private const int IncrementalReadLimit = 64;

    /// <inheritdoc />
    protected override Task<SessionWindow?> LoadSessionWindowCoreAsync(string sessionId, int? historyTurns, CancellationToken cancellationToken) =>
        LoadSessionWindowCoreAsync(new SessionWindowRequest { SessionId = sessionId, HistoryTurns = historyTurns }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// <para>One round trip, one statement, so the head and the rows come from one snapshot: the head with its history epoch and
    /// message count first, then the history rows; token counts are read, never computed. With a mark
    /// (<see cref="SessionWindowRequest.Since"/>), <see cref="PostgresStatements.WindowSince"/>: the rows stored after it, a
    /// primary-key range, in a plan of a few nodes (also run with its generic plan: PostgreSQL would otherwise plan it again on
    /// every turn, for longer than it runs). Only when the head no longer matches the mark (the history was rewritten,
    /// or more than <see cref="IncrementalReadLimit"/> messages were stored since) does a second round trip read the full window.</para>
    /// <para>Without one, <see cref="PostgresStatements.WindowMessages"/> (between the two settings that make it run with its
    /// generic plan once prepared, see <see cref="PostgresStatements.GenericPlans"/>): the full window within the count and the
    /// token budget.</para>
    /// </remarks>
    protected override Task<SessionWindow?> LoadSessionWindowCoreAsync(SessionWindowRequest request, CancellationToken cancellationToken)
    {
        return WithConnectionAsync(async (connection, ct) =>
        {
            if (request.Since is { } since)
            {
                await using var read = new NpgsqlBatch(connection)
                {
                    BatchCommands =
                    {
                        new NpgsqlBatchCommand(PostgresStatements.GenericPlans),
                        Statement(_sql.WindowSince, P.Text(request.SessionId), P.Long(since.Epoch), P.Long(since.MessageSequence),
                            P.Long(IncrementalReadLimit), P.Long(ExpiryCutoffMilliseconds())),
                        new NpgsqlBatchCommand(PostgresStatements.DefaultPlans),
                    },
                };
                var window = await ReadWindowAsync(read, request.SessionId, ct).ConfigureAwait(false);
                if (window?.Mark is not { } mark)
                {
                    return null;
                }

                var newMessages = mark.MessageSequence - since.MessageSequence;
                if (mark.Epoch == since.Epoch && newMessages >= 0 && newMessages <= IncrementalReadLimit)
                {
                    return window with
                    {
                        Turns = WindowSelection.Newest(window.Turns, request.HistoryTurns, request.HistoryTokenBudget),
                        IsIncremental = true,
                    };
                }
            }

            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand(PostgresStatements.GenericPlans),
                    Statement(_sql.WindowMessages, P.Text(request.SessionId), P.Long(request.HistoryTurns), P.Long(request.HistoryTokenBudget),
                        P.Long(ExpiryCutoffMilliseconds())),
                    new NpgsqlBatchCommand(PostgresStatements.DefaultPlans),
                },
            };
            return await ReadWindowAsync(batch, request.SessionId, ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>The head row and history rows of <see cref="PostgresStatements.WindowMessages"/> or <see cref="PostgresStatements.WindowSince"/>,
    /// as a window whose mark is the head's (not incremental); <see langword="null"/> without a live head.</summary>
    private static async Task<SessionWindow?> ReadWindowAsync(NpgsqlBatch batch, string sessionId, CancellationToken ct)
    {
        const int row = PostgresStatements.WindowRowOrdinal;
        await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false) || reader.GetInt32(row) != 0)
        {
            // No live head (none, or expired: its rows are not returned).
            return null;
        }

        var head = PostgresMapping.ReadHead(reader);
        var mark = new SessionWindowMark(reader.GetInt64(row + 2), reader.GetInt64(row + 1));
        var rows = new List<MessageRow>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var sequence = reader.GetInt64(row + 1);
            var message = StorageJson.DeserializeMessage(reader.GetString(row + 4), sessionId, sequence);
            rows.Add(new MessageRow(sequence, reader.GetInt64(row + 2), PostgresMapping.Text(reader, row + 3), true, message) { TokenCount = (int)reader.GetInt64(row + 5) });
        }

        return new SessionWindow(head, SessionRows.Turns(rows)) { Mark = mark };
    }

    /// <inheritdoc />
    /// <remarks>
    /// One round trip: a single batch of the upsert of the head row with <c>INSERT ... ON CONFLICT DO UPDATE ... WHERE false</c> (which
    /// creates the session or locks its head without writing it, serializing the writers of this session) and one statement that plans the append from the locked
    /// head and the run's earlier save and writes the run's new messages, the run row and the head
    /// (<see cref="PostgresStatements.AppendWrite"/>). A batch without an explicit transaction runs in one implicit transaction (one
    /// protocol Sync): the lock is held until the batch ends, and a failing statement makes PostgreSQL skip the rest and roll back
    /// the earlier ones, so nothing is committed; no <c>BEGIN</c> and <c>COMMIT</c> statements are needed. Everything touched is
    /// addressed by primary key, so the cost is independent of the history's length.
    /// </remarks>
    protected override Task<RunAppendResult> AppendRunCoreAsync(RunAppend append, CancellationToken cancellationToken)
    {
        var run = append.Run;
        var sessionId = append.SessionId;
        var serialized = new string[run.Messages.Count];
        for (var i = 0; i < serialized.Length; i++)
        {
            serialized[i] = StorageJson.SerializeMessage(run.Messages[i]);
        }

        var agentName = string.IsNullOrEmpty(append.AgentName) ? null : append.AgentName;
        return WithConnectionAsync(async (connection, ct) =>
        {
            var now = PostgresMapping.Millis(StorageClock.Now());
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    Statement(_sql.AppendLockHead, P.Text(sessionId), P.Text(run.AgentId), P.Text(run.UserId), P.Long(now), P.Long(HistoryEpoch.New())),
                    Statement(_sql.AppendWrite, PostgresMapping.AppendParameters(append, now, serialized, agentName)),
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var created = await reader.ReadAsync(ct).ConfigureAwait(false);
            await reader.NextResultAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            return new RunAppendResult(reader.GetInt64(0), reader.GetInt32(1), created, reader.GetBoolean(2));
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One round trip: the run row by primary key and its messages (whose turn is the run's sequence) through the window index.</remarks>
    protected override Task<RunRecord?> GetRunCoreAsync(string sessionId, string runId, CancellationToken cancellationToken)
    {
        return WithConnectionAsync((connection, ct) => ReadOneRunAsync(
            connection,
            Statement(_sql.GetRun, P.Text(sessionId), P.Text(runId), P.Long(ExpiryCutoffMilliseconds())),
            Statement(_sql.GetRunMessages, P.Text(sessionId), P.Text(runId)),
            ct), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One round trip through the run_id index; when several sessions hold the run id, the lowest session id wins.</remarks>
    protected override Task<RunRecord?> FindRunCoreAsync(string runId, string? agentId, CancellationToken cancellationToken)
    {
        return WithConnectionAsync((connection, ct) => ReadOneRunAsync(
            connection,
            Statement(_sql.FindRun, P.Text(runId), P.Text(agentId), P.Long(ExpiryCutoffMilliseconds())),
            Statement(_sql.FindRunMessages, P.Text(runId), P.Text(agentId)),
            ct), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One round trip, bounded by <paramref name="maxRuns"/> through the unique (session_id, seq) index.</remarks>
    protected override Task<IReadOnlyList<RunRecord>> GetRunsAfterCoreAsync(string sessionId, long afterSequence, int maxRuns, CancellationToken cancellationToken)
    {
        return WithConnectionAsync<IReadOnlyList<RunRecord>>(async (connection, ct) =>
        {
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    Statement(_sql.RunsAfter, P.Text(sessionId), P.Long(afterSequence), P.Long(maxRuns), P.Long(ExpiryCutoffMilliseconds())),
                    Statement(_sql.RunsAfterMessages, P.Text(sessionId), P.Long(afterSequence), P.Long(maxRuns)),
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var runs = new Dictionary<string, RunRecord>(StringComparer.Ordinal);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var run = PostgresMapping.ReadRun(reader);
                runs[run.RunId] = run;
            }

            await reader.NextResultAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var sequence = reader.GetInt64(1);
                var message = StorageJson.DeserializeMessage(reader.GetString(2), sessionId, sequence);
                if (runs.TryGetValue(PostgresMapping.Text(reader, 0)!, out var run))
                {
                    run.Messages.Add(message);
                }
            }

            return runs.Values.OrderBy(r => r.Sequence).ToList();
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>A single conditional <c>UPDATE ... WHERE summary_watermark &lt;= $w</c> on the head's primary key.</remarks>
    protected override Task<bool> UpdateSummaryCoreAsync(string sessionId, string summary, long watermark, CancellationToken cancellationToken)
    {
        return WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = Command(
                connection, _sql.UpdateSummary, P.Text(sessionId), P.Text(summary), P.Long(watermark), P.Long(PostgresMapping.Millis(StorageClock.Now())));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>A single <c>UPDATE ... SET metadata = COALESCE(metadata, '{}') || $2</c> on the head's primary key.</remarks>
    protected override Task<bool> MergeSessionMetadataCoreAsync(string sessionId, JsonObject metadata, CancellationToken cancellationToken)
    {
        var json = PostgresText.EncodeObject(metadata);
        return WithConnectionAsync(async (connection, ct) =>
        {
            await using var command = Command(
                connection, _sql.MergeMetadata, P.Text(sessionId), P.Jsonb(json), P.Long(PostgresMapping.Millis(StorageClock.Now())));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Non-informative traits are dropped in .NET (<c>ProfileMerge.Informative</c>); the rest is applied by a single
    /// <c>INSERT ... ON CONFLICT (user_id) DO UPDATE</c>: <c>user_memory || new</c> in update mode (a shallow key merge done by
    /// PostgreSQL under the row lock, so concurrent updates of different keys all survive), the new traits in replace mode.
    /// </remarks>
    protected override Task<UserMemory> UpdateUserProfileCoreAsync(ProfileUpdate update, CancellationToken cancellationToken)
    {
        var traits = PostgresText.EncodeObject(ProfileMerge.Informative(update.Traits));
        var sql = update.Mode == UserMemoryMode.Replace ? _sql.UpdateProfileReplace : _sql.UpdateProfileMerge;
        return WithConnectionAsync(async (connection, ct) =>
        {
            var now = PostgresMapping.Millis(StorageClock.Now());
            await using var command = Command(
                connection, sql, P.Text(update.UserId), P.Jsonb(traits), P.Text(update.AgentId), P.Text(update.TeamId), P.Long(now), P.Long(now));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            return PostgresMapping.ReadUserMemory(reader);
        }, cancellationToken);
    }

    private static async Task<RunRecord?> ReadOneRunAsync(NpgsqlConnection connection, NpgsqlBatchCommand runStatement, NpgsqlBatchCommand messageStatement, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { runStatement, messageStatement } };
        await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            return null;
        }

        var run = PostgresMapping.ReadRun(reader);
        var storedCount = reader.GetInt32(PostgresMapping.RunMessageCountOrdinal);
        await reader.NextResultAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var sequence = reader.GetInt64(0);
            run.Messages.Add(StorageJson.DeserializeMessage(reader.GetString(1), run.SessionId!, sequence));
        }

        SessionRows.CheckMessageCount(run, storedCount);
        return run;
    }
}
