using Microsoft.Extensions.AI;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Upsonic.Storage.Mongo;

/// <summary>
/// The MongoDB writes of one append, as data: the kit's <see cref="RunAppendPlan"/> (computed from the run being saved, its
/// stored version from step 1 and the head allocation from step 2) turned into documents, a filter and the usage update.
/// Nothing in it depends on how long the session's history is.
/// </summary>
/// <remarks>
/// <para>Commands per append (no multi-document transaction; standalone servers have none):</para>
/// <list type="number">
/// <item><c>find</c> the stored run by (session_id, run_id) — a unique-index point read;</item>
/// <item><c>findAndModify</c> the head — create it if missing, reserve sequences, set updated_at / agent_name;</item>
/// <item><c>insert</c> the new messages in one batch (skipped when the run has none);</item>
/// <item><c>update</c> (replace, upsert) the run document;</item>
/// <item><c>update</c> the head usage with a version check (skipped when neither this nor the stored run has usage; repeated after a
/// re-read of the head, one <c>find</c> + one <c>update</c> each time, only when a concurrent writer changed the usage).</item>
/// </list>
/// <para>Crash windows: after 2, sequence numbers have gaps (harmless, they only order) and a new session may exist empty. After 3,
/// the turn's messages are visible in history while its run document is missing or stale; saving the same run again completes it
/// without duplicates (the messages are inserted unordered and a message already stored at the same position of the same run is a
/// duplicate key, which is ignored). After 4, the session usage lacks this run's delta until the run is saved again.</para>
/// </remarks>
internal sealed record RunAppendWrites(
    string SessionId,
    long RunSequence,
    bool SessionCreated,
    bool RunCreated,
    IReadOnlyList<BsonDocument> NewMessages,
    FilterDefinition<BsonDocument> RunFilter,
    BsonDocument RunDocument,
    UsageUpdate? Usage,
    UsageDetails? PreviousRunUsage)
{
    /// <summary>How many of the run's messages are already stored (from the stored run document).</summary>
    public static int StoredMessages(BsonDocument? previousRun) => previousRun is null ? 0 : RunDocuments.StoredMessageCount(previousRun);

    /// <summary>Builds the writes that follow the allocation.</summary>
    /// <param name="append">The run to save.</param>
    /// <param name="serializedMessages">The run's messages as JSON text, all of them (only those past the stored count are written).</param>
    /// <param name="previousRun">The stored run document, or null for a new run.</param>
    /// <param name="allocation">The head as step 2 returned it.</param>
    /// <param name="now">The write time.</param>
    public static RunAppendWrites Build(RunAppend append, IReadOnlyList<string> serializedMessages, BsonDocument? previousRun, HeadAllocation allocation, DateTimeOffset now)
    {
        var previous = previousRun is null ? null : RunDocuments.Read(previousRun);
        var plan = RunAppendPlan.Create(
            append,
            allocation.Created ? null : new SessionCounters(allocation.RunCountBefore, allocation.MessageCountBefore, allocation.Usage, null),
            previous is null ? null : new PreviousRunSave(previous.Sequence, StoredMessages(previousRun), previous.Usage, previous.CreatedAt),
            now);
        var messages = new List<BsonDocument>(plan.NewMessageCount);
        for (var i = 0; i < plan.NewMessageCount; i++)
        {
            var position = plan.FirstNewMessage + i;
            messages.Add(MessageDocuments.Write(
                append.SessionId, plan.FirstMessageSequence + i, plan.Sequence, append.Run.RunId, position, append.AddToHistory, serializedMessages[position]));
        }

        var runDocument = RunDocuments.Write(append.SessionId, plan.Run, plan.RunMessageCount);

        // Agent data is merged by the head update ($set agent_data.agent_name); only the usage delta needs its own versioned write.
        UsageUpdate? usage = append.Run.Usage is null && previous?.Usage is null
            ? null
            : new UsageUpdate(append.SessionId, allocation.Version, plan.SessionUsage);
        return new RunAppendWrites(append.SessionId, plan.Sequence, plan.SessionCreated, plan.RunCreated, messages,
            RunDefinitions.ByKey(append.SessionId, append.Run.RunId), runDocument, usage, previous?.Usage);
    }

    /// <summary>The commands this append sends when no concurrent writer forces a usage retry, in order (for docs and tests).</summary>
    public IReadOnlyList<string> Commands
    {
        get
        {
            var commands = new List<string> { "find run", "findAndModify head" };
            if (NewMessages.Count > 0)
            {
                commands.Add("insert messages");
            }

            commands.Add("replace run");
            if (Usage is not null)
            {
                commands.Add("update usage");
            }

            return commands;
        }
    }

    /// <summary>The options of the message insert: unordered, so that already stored positions (duplicate keys) do not stop the rest.</summary>
    public static InsertManyOptions InsertOptions() => new() { IsOrdered = false };

    /// <summary>The options of the run replace.</summary>
    public static ReplaceOptions ReplaceOptions() => new() { IsUpsert = true };
}
