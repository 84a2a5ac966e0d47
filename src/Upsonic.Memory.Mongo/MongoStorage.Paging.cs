using MongoDB.Bson;
using MongoDB.Driver;

namespace Upsonic.Storage.Mongo;

/// <summary>
/// Streaming the store in pages: heads, profiles and knowledge rows by <c>_id</c>, a session's rows by sequence (the
/// (session_id, seq) indexes), and imports that replace documents by their keys. Imports are idempotent rather than atomic:
/// the head's counters are raised first, then the rows written, so an interrupted call is completed by writing the page again.
/// </summary>
public sealed partial class MongoStorage
{
    /// <inheritdoc />
    protected override Task<StorePage<AgentSession>> GetSessionHeadsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        IdPageAsync(_collections.Sessions, PageCursor.Sessions, after, pageSize, SessionDocuments.Read, cancellationToken);

    /// <inheritdoc />
    protected override async Task<StorePage<SessionMessageRow>> GetSessionMessagesPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken)
    {
        var documents = await _collections.Messages.Find(After(MessageDocuments.SessionId, sessionId, MessageDocuments.Sequence, afterSequence))
            .Sort(new BsonDocument(MessageDocuments.Sequence, 1)).Limit(pageSize).ToListAsync(cancellationToken).ConfigureAwait(false);
        var page = new StorePageBuilder<SessionMessageRow>(PageCursor.Messages, pageSize);
        foreach (var document in documents)
        {
            page.Add(sessionId, BsonFields.GetLong(document, MessageDocuments.Sequence), () =>
            {
                var row = MessageDocuments.Read(document);
                return new SessionMessageRow(row.Sequence, row.Turn, row.RunId, row.InHistory, row.Message);
            });
        }

        return page.Build();
    }

    /// <inheritdoc />
    protected override async Task<StorePage<SessionRunRow>> GetSessionRunsPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken)
    {
        var documents = await _collections.Runs.Find(After(RunDocuments.SessionId, sessionId, RunDocuments.Sequence, afterSequence))
            .Sort(new BsonDocument(RunDocuments.Sequence, 1)).Limit(pageSize).ToListAsync(cancellationToken).ConfigureAwait(false);
        var page = new StorePageBuilder<SessionRunRow>(PageCursor.Runs, pageSize);
        foreach (var document in documents)
        {
            page.Add(sessionId, BsonFields.GetLong(document, RunDocuments.Sequence), () =>
                new SessionRunRow(RunDocuments.Read(document), RunDocuments.StoredMessageCount(document)));
        }

        return page.Build();
    }

    /// <inheritdoc />
    protected override async Task<SessionRowCounts?> CountSessionRowsCoreAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (await _collections.Sessions.CountDocumentsAsync(SessionDefinitions.ById(sessionId), cancellationToken: cancellationToken).ConfigureAwait(false) == 0)
        {
            return null;
        }

        var ofSession = new BsonDocument(MessageDocuments.SessionId, sessionId);
        var messages = await _collections.Messages.CountDocumentsAsync(ofSession, cancellationToken: cancellationToken).ConfigureAwait(false);
        var history = await _collections.Messages.CountDocumentsAsync(
            new BsonDocument { { MessageDocuments.SessionId, sessionId }, { MessageDocuments.InHistory, true } }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var runs = await _collections.Runs.CountDocumentsAsync(new BsonDocument(RunDocuments.SessionId, sessionId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return new SessionRowCounts(messages, history, runs);
    }

    /// <inheritdoc />
    protected override Task<StorePage<UserMemory>> GetUserMemoriesPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        IdPageAsync(_collections.UserMemories, PageCursor.UserMemories, after, pageSize, UserMemoryDocuments.Read, cancellationToken);

    /// <inheritdoc />
    protected override Task<StorePage<KnowledgeRow>> GetKnowledgeContentsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        IdPageAsync(_collections.Knowledge, PageCursor.Knowledge, after, pageSize, KnowledgeDocuments.Read, cancellationToken);

    /// <inheritdoc />
    /// <remarks>One upsert of the head document: every head field and both timestamps set, counters kept (0 for a new head).</remarks>
    protected override Task ImportSessionHeadCoreAsync(AgentSession head, CancellationToken cancellationToken)
    {
        var set = new BsonDocument
        {
            { SessionDocuments.SessionType, StoredNames.Of(head.SessionType) },
            { SessionDocuments.AgentId, BsonFields.String(head.AgentId) },
            { SessionDocuments.TeamId, BsonFields.String(head.TeamId) },
            { SessionDocuments.WorkflowId, BsonFields.String(head.WorkflowId) },
            { SessionDocuments.UserId, BsonFields.String(head.UserId) },
            { SessionDocuments.Summary, BsonFields.String(head.Summary) },
            { SessionDocuments.SummaryWatermark, head.SummaryWatermark },
            { SessionDocuments.Usage, BsonFields.Usage(head.Usage) },
            { SessionDocuments.CreatedAt, BsonFields.Time(head.CreatedAt) },
            { SessionDocuments.UpdatedAt, BsonFields.Time(head.UpdatedAt) },
        };
        var unset = new BsonDocument();
        foreach (var (field, value) in new[] { (SessionDocuments.SessionData, head.SessionData), (SessionDocuments.Metadata, head.Metadata), (SessionDocuments.AgentData, head.AgentData) })
        {
            if (value is null)
            {
                unset.Add(field, "");
            }
            else
            {
                set.Add(field, BsonJson.ToDocument(value));
            }
        }

        var update = new BsonDocument
        {
            { "$set", set },
            { "$setOnInsert", new BsonDocument { { SessionDocuments.RunCount, 0L }, { SessionDocuments.MessageCount, 0L } } },
            { "$inc", new BsonDocument(SessionDocuments.Version, 1L) },
        };
        if (unset.ElementCount > 0)
        {
            update.Add("$unset", unset);
        }

        return _collections.Sessions.UpdateOneAsync(SessionDefinitions.ById(head.SessionId), update, new UpdateOptions { IsUpsert = true }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>The counters first, then one unordered bulk of replacements by (session_id, seq). A run message's position in its run
    /// (the unique run-position index) is counted from the run's rows stored before the page.</remarks>
    protected override async Task<bool> ImportSessionMessagesCoreAsync(string sessionId, IReadOnlyList<SessionMessageRow> messages, CancellationToken cancellationToken)
    {
        if (!await RaiseCountersAsync(sessionId, messages.Max(m => m.Turn), messages.Max(m => m.Sequence), cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var first = messages[0].Sequence;
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var runId in messages.Select(m => m.RunId).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var earlier = new BsonDocument
            {
                { MessageDocuments.SessionId, sessionId }, { MessageDocuments.RunId, runId }, { MessageDocuments.Sequence, new BsonDocument("$lt", first) },
            };
            positions[runId] = (int)await _collections.Messages.CountDocumentsAsync(earlier, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var writes = messages.Select(m =>
        {
            int? index = m.RunId is null ? null : positions[m.RunId]++;
            var document = MessageDocuments.Write(sessionId, m.Sequence, m.Turn, m.RunId, index, m.InHistory, StorageJson.SerializeMessage(m.Message));
            var key = new BsonDocument { { MessageDocuments.SessionId, sessionId }, { MessageDocuments.Sequence, m.Sequence } };
            return new ReplaceOneModel<BsonDocument>(key, document) { IsUpsert = true };
        }).ToList();
        await _collections.Messages.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = false }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    protected override async Task<bool> ImportSessionRunsCoreAsync(string sessionId, IReadOnlyList<SessionRunRow> runs, CancellationToken cancellationToken)
    {
        if (!await RaiseCountersAsync(sessionId, runs.Max(r => r.Run.Sequence), 0, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var writes = runs.Select(r => new ReplaceOneModel<BsonDocument>(
            RunDefinitions.ByKey(sessionId, r.Run.RunId), RunDocuments.Write(sessionId, r.Run, r.MessageCount)) { IsUpsert = true }).ToList();
        await _collections.Runs.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = false }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    protected override Task ImportUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken) =>
        _collections.UserMemories.BulkWriteAsync(userMemories.Select(m => new ReplaceOneModel<BsonDocument>(
            new BsonDocument(UserMemoryDocuments.Id, m.UserId),
            new BsonDocument
            {
                { UserMemoryDocuments.Id, m.UserId },
                { UserMemoryDocuments.Profile, BsonJson.ToDocument(m.Profile) },
                { UserMemoryDocuments.AgentId, BsonFields.String(m.AgentId) },
                { UserMemoryDocuments.TeamId, BsonFields.String(m.TeamId) },
                { UserMemoryDocuments.CreatedAt, BsonFields.Time(m.CreatedAt) },
                { UserMemoryDocuments.UpdatedAt, BsonFields.Time(m.UpdatedAt) },
            }) { IsUpsert = true }), new BulkWriteOptions { IsOrdered = false }, cancellationToken);

    /// <inheritdoc />
    protected override Task ImportKnowledgeContentsCoreAsync(IReadOnlyList<KnowledgeRow> rows, CancellationToken cancellationToken) =>
        _collections.Knowledge.BulkWriteAsync(rows.Select(r =>
        {
            var document = KnowledgeDocuments.Fields(r, r.UpdatedAt!.Value);
            document.InsertAt(0, new BsonElement(KnowledgeDocuments.Id, r.Id));
            document.Add(KnowledgeDocuments.CreatedAt, BsonFields.Time(r.CreatedAt));
            return new ReplaceOneModel<BsonDocument>(KnowledgeDefinitions.ById(r.Id), document) { IsUpsert = true };
        }), new BulkWriteOptions { IsOrdered = false }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>The schema-version document and the collections present (indexes are created with the collections on first use).</remarks>
    protected override async Task<StorageSchemaReport> DescribeSchemaCoreAsync(CancellationToken cancellationToken)
    {
        var names = await (await Database.ListCollectionNamesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var stored = await _collections.Schema.Find(MongoSchema.VersionFilter()).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        int? version = stored is null ? null : (int)BsonFields.GetLong(stored, "version");
        var objects = _collections.Names.Select(n => new StorageSchemaObject("collection", n, names.Contains(n))).ToList();
        return new StorageSchemaReport(version, MongoSchema.CurrentVersion, objects);
    }

    /// <summary>Raises a head's counters to at least the given turn and sequence; false when the session does not exist. Each counter
    /// is raised by an update conditional on it being lower (monotone under concurrent writers, and served by every engine).</summary>
    private async Task<bool> RaiseCountersAsync(string sessionId, long runCount, long messageCount, CancellationToken cancellationToken)
    {
        var matched = 0L;
        foreach (var (field, value) in new[] { (SessionDocuments.RunCount, runCount), (SessionDocuments.MessageCount, messageCount) })
        {
            var filter = new BsonDocument { { SessionDocuments.Id, sessionId }, { field, new BsonDocument("$lt", value) } };
            var update = new BsonDocument { { "$set", new BsonDocument(field, value) }, { "$inc", new BsonDocument(SessionDocuments.Version, 1L) } };
            matched += (await _collections.Sessions.UpdateOneAsync(filter, update, cancellationToken: cancellationToken).ConfigureAwait(false)).MatchedCount;
        }

        return matched > 0
            || await _collections.Sessions.CountDocumentsAsync(SessionDefinitions.ById(sessionId), cancellationToken: cancellationToken).ConfigureAwait(false) > 0;
    }

    private static BsonDocument After(string sessionField, string sessionId, string sequenceField, long afterSequence) =>
        new() { { sessionField, sessionId }, { sequenceField, new BsonDocument("$gt", afterSequence) } };

    /// <summary>One keyset page of a collection keyed by a string <c>_id</c> (binary order), each document mapped on its own.</summary>
    private static async Task<StorePage<T>> IdPageAsync<T>(
        IMongoCollection<BsonDocument> collection, string listing, PageCursor? after, int pageSize, Func<BsonDocument, T> read, CancellationToken cancellationToken)
    {
        var filter = after is null ? new BsonDocument() : new BsonDocument("_id", new BsonDocument("$gt", after.Key));
        var documents = await collection.Find(filter).Sort(new BsonDocument("_id", 1)).Limit(pageSize).ToListAsync(cancellationToken).ConfigureAwait(false);
        var page = new StorePageBuilder<T>(listing, pageSize);
        foreach (var document in documents)
        {
            page.Add(document["_id"].AsString, 0, () => read(document));
        }

        return page.Build();
    }
}
