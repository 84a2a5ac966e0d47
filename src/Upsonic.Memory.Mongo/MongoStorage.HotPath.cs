using System.Text.Json.Nodes;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Upsonic.Storage.Mongo;

public sealed partial class MongoStorage
{
    /// <summary>How often the usage update of one append is retried after concurrent writers changed the usage first.</summary>
    internal const int MaxUsageAttempts = 100;

    /// <inheritdoc />
    /// <remarks>
    /// Round trips: the head <c>find</c> and the history <c>find</c> are sent concurrently (one round trip of latency, two commands);
    /// none for history when <paramref name="historyTurns"/> is 0. For N turns the history find asks for the newest
    /// 16·N history messages by the (session_id, in_history, turn, seq) index; only when those do not cover N whole turns is it
    /// repeated with a doubled limit. Nothing read grows with the length of the session.
    /// </remarks>
    protected override async Task<SessionWindow?> LoadSessionWindowCoreAsync(string sessionId, int? historyTurns, CancellationToken cancellationToken)
    {
        var headTask = _collections.Sessions.Find(SessionDefinitions.ById(sessionId)).FirstOrDefaultAsync(cancellationToken);
        var historyTask = historyTurns == 0 ? Task.FromResult(new List<MessageRow>()) : ReadHistoryAsync(sessionId, historyTurns, cancellationToken);
        await Task.WhenAll(headTask, historyTask).ConfigureAwait(false);
        var head = await headTask.ConfigureAwait(false);
        if (head is null || IsExpired(BsonFields.GetTime(head, SessionDocuments.UpdatedAt, sessionId)))
        {
            return null;
        }

        return new SessionWindow(SessionDocuments.Read(head), SessionRows.Turns(await historyTask.ConfigureAwait(false)));
    }

    private async Task<List<MessageRow>> ReadHistoryAsync(string sessionId, int? turns, CancellationToken ct)
    {
        var filter = MessageDefinitions.History(sessionId);
        if (turns is not { } n)
        {
            var all = await _collections.Messages.Find(filter).Sort(MessageDefinitions.BySequence()).ToListAsync(ct).ConfigureAwait(false);
            return all.Select(MessageDocuments.Read).ToList();
        }

        for (var attempt = 0; ; attempt++)
        {
            var limit = MessageDefinitions.WindowLimit(n, attempt);
            var documents = await _collections.Messages.Find(filter).Sort(MessageDefinitions.NewestTurnFirst()).Limit(limit)
                .ToListAsync(ct).ConfigureAwait(false);
            var window = MessageDefinitions.TakeTurns(documents.Select(MessageDocuments.Read).ToList(), n, limit);
            if (window is not null)
            {
                return window;
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Four commands, five when the run has usage (see <see cref="RunAppendWrites"/> for the list and what a crash between them leaves).
    /// No multi-document transaction: sequence numbers come from an atomic <c>$inc</c> on the head, and the usage update carries an
    /// optimistic version check with retry, so concurrent writers never lose a run, a message or a usage delta.
    /// </remarks>
    protected override async Task<RunAppendResult> AppendRunCoreAsync(RunAppend append, CancellationToken cancellationToken)
    {
        var serialized = append.Run.Messages.Select(StorageJson.SerializeMessage).ToList();
        var now = StorageClock.Now();
        var previousRun = await _collections.Runs.Find(RunDefinitions.ByKey(append.SessionId, append.Run.RunId))
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var newMessages = Math.Max(0, serialized.Count - RunAppendWrites.StoredMessages(previousRun));
        var before = await MongoFailure.RetryUpsertAsync(() => _collections.Sessions.FindOneAndUpdateAsync(
            HeadAllocation.Filter(append.SessionId),
            HeadAllocation.Update(append, newMessages, previousRun is null, now),
            HeadAllocation.Options(), cancellationToken)).ConfigureAwait(false);
        var plan = RunAppendWrites.Build(append, serialized, previousRun, HeadAllocation.Read(before, append.SessionId), now);
        var inserted = await InsertNewMessagesAsync(plan.NewMessages, cancellationToken).ConfigureAwait(false);
        await MongoFailure.RetryUpsertAsync(() => _collections.Runs.ReplaceOneAsync(plan.RunFilter, plan.RunDocument, RunAppendWrites.ReplaceOptions(), cancellationToken))
            .ConfigureAwait(false);
        if (plan.Usage is not null)
        {
            await WriteUsageAsync(plan.Usage, append.Run.Usage, plan.PreviousRunUsage, cancellationToken).ConfigureAwait(false);
        }

        return new RunAppendResult(plan.RunSequence, inserted, plan.SessionCreated, plan.RunCreated);
    }

    /// <summary>Inserts the new messages; positions of the run that an interrupted earlier save already stored are skipped.</summary>
    private async Task<int> InsertNewMessagesAsync(IReadOnlyList<BsonDocument> messages, CancellationToken ct)
    {
        if (messages.Count == 0)
        {
            return 0;
        }

        try
        {
            await _collections.Messages.InsertManyAsync(messages, RunAppendWrites.InsertOptions(), ct).ConfigureAwait(false);
            return messages.Count;
        }
        catch (MongoBulkWriteException ex) when (MongoFailure.OnlyDuplicatesOn(ex, MongoIndexes.RunPositionIndex))
        {
            return messages.Count - ex.WriteErrors.Count;
        }
    }

    private async Task WriteUsageAsync(UsageUpdate first, Microsoft.Extensions.AI.UsageDetails? runUsage, Microsoft.Extensions.AI.UsageDetails? previousRunUsage, CancellationToken ct)
    {
        var update = first;
        for (var attempt = 1; ; attempt++)
        {
            var result = await _collections.Sessions.UpdateOneAsync(update.Filter(), update.Update(), cancellationToken: ct).ConfigureAwait(false);
            if (result.MatchedCount > 0)
            {
                return;
            }

            if (attempt >= MaxUsageAttempts)
            {
                throw new StorageException($"The usage of session '{update.SessionId}' changed concurrently {attempt} times in a row; the run is saved, its usage is not counted.",
                    null, "AppendRun", update.SessionId);
            }

            var head = await _collections.Sessions.Find(SessionDefinitions.ById(update.SessionId)).Project(UsageUpdate.RereadProjection())
                .FirstOrDefaultAsync(ct).ConfigureAwait(false);
            if (head is null)
            {
                return; // deleted concurrently: there is no total left to add to
            }

            update = new UsageUpdate(update.SessionId, BsonFields.GetLong(head, SessionDocuments.Version),
                UsageMath.ApplyRunDelta(BsonFields.GetUsage(head, SessionDocuments.Usage, update.SessionId), runUsage, previousRunUsage));
        }
    }

    /// <inheritdoc />
    protected override async Task<RunRecord?> GetRunCoreAsync(string sessionId, string runId, CancellationToken cancellationToken)
    {
        var run = await _collections.Runs.Find(RunDefinitions.ByKey(sessionId, runId)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return run is null || await SessionExpiredAsync(sessionId, cancellationToken).ConfigureAwait(false) ? null : (await WithMessagesAsync(sessionId, [run], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <inheritdoc />
    protected override async Task<RunRecord?> FindRunCoreAsync(string runId, string? agentId, CancellationToken cancellationToken)
    {
        var run = await _collections.Runs.Find(RunDefinitions.ById(runId, agentId)).Sort(RunDefinitions.BySession()).Limit(1)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return null;
        }

        var sessionId = BsonFields.GetString(run, RunDocuments.SessionId) ?? string.Empty;
        if (await SessionExpiredAsync(sessionId, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return (await WithMessagesAsync(sessionId, [run], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<RunRecord>> GetRunsAfterCoreAsync(string sessionId, long afterSequence, int maxRuns, CancellationToken cancellationToken)
    {
        if (await SessionExpiredAsync(sessionId, cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        var newestFirst = await _collections.Runs.Find(RunDefinitions.After(sessionId, afterSequence)).Sort(RunDefinitions.NewestFirst())
            .Limit(maxRuns).ToListAsync(cancellationToken).ConfigureAwait(false);
        newestFirst.Reverse();
        return await WithMessagesAsync(sessionId, newestFirst, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads runs with their messages: one <c>find</c> of the messages of all given runs.</summary>
    private async Task<List<RunRecord>> WithMessagesAsync(string sessionId, IReadOnlyList<BsonDocument> runDocuments, CancellationToken ct)
    {
        var runs = runDocuments.Select(RunDocuments.Read).ToList();
        if (runs.Count == 0)
        {
            return runs;
        }

        var documents = await _collections.Messages.Find(MessageDefinitions.OfRuns(sessionId, runs.Select(r => r.RunId)))
            .Sort(MessageDefinitions.BySequence()).ToListAsync(ct).ConfigureAwait(false);
        var byRun = documents.Select(MessageDocuments.Read).ToLookup(r => r.RunId!, StringComparer.Ordinal);
        for (var i = 0; i < runs.Count; i++)
        {
            runs[i].Messages = byRun[runs[i].RunId].Select(r => r.Message).ToList();
            SessionRows.CheckMessageCount(runs[i], RunDocuments.StoredMessageCount(runDocuments[i]));
        }

        return runs;
    }

    /// <inheritdoc />
    /// <remarks>One <c>update</c> whose filter only matches a lower (or missing) watermark.</remarks>
    protected override async Task<bool> UpdateSummaryCoreAsync(string sessionId, string summary, long watermark, CancellationToken cancellationToken)
    {
        var (filter, update) = SessionDefinitions.Summary(sessionId, summary, watermark, StorageClock.Now());
        var result = await _collections.Sessions.UpdateOneAsync(filter, update, cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.MatchedCount > 0;
    }

    /// <inheritdoc />
    /// <remarks>
    /// One <c>update</c> with a <c>$set</c> of <c>metadata.&lt;key&gt;</c> per key. Keys are stored escaped (<c>.</c> as <c>%2E</c>,
    /// a leading <c>$</c> as <c>%24</c>, <c>%</c> as <c>%25</c>) and read back unescaped, so any key works.
    /// </remarks>
    protected override async Task<bool> MergeSessionMetadataCoreAsync(string sessionId, JsonObject metadata, CancellationToken cancellationToken)
    {
        var result = await _collections.Sessions.UpdateOneAsync(SessionDefinitions.ById(sessionId),
            SessionDefinitions.MergeMetadata(metadata, StorageClock.Now()), cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.MatchedCount > 0;
    }
}
