using System.Text.Json.Nodes;
using Upsonic.Storage.Serialization;

namespace Upsonic.Storage;

// User profiles and the knowledge registry, with the copies that keep callers from aliasing stored state.
public sealed partial class InMemoryStorage
{
    /// <inheritdoc />
    public Task<UserMemory> UpsertUserMemoryAsync(UserMemory userMemory, CancellationToken cancellationToken = default)
    {
        Guard.UserMemory(userMemory, nameof(userMemory));
        lock (_gate)
        {
            return Task.FromResult(UpsertUserMemoryLocked(userMemory));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<UserMemory>> UpsertUserMemoriesAsync(IEnumerable<UserMemory> userMemories, CancellationToken cancellationToken = default)
    {
        var list = Guard.UserMemories(userMemories, nameof(userMemories));
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<UserMemory>>(list.Select(UpsertUserMemoryLocked).ToList());
        }
    }

    private UserMemory UpsertUserMemoryLocked(UserMemory memory)
    {
        var now = StorageClock.Now();
        var stored = Copy(memory);
        stored.CreatedAt = _userMemories.TryGetValue(memory.UserId, out var existing)
            ? existing.CreatedAt
            : memory.CreatedAt is { } created ? StorageClock.Truncate(created) : now;
        stored.UpdatedAt = now;
        _userMemories[memory.UserId] = stored;
        return Copy(stored);
    }

    /// <inheritdoc />
    public Task<UserMemory?> GetUserMemoryAsync(string? userId = null, string? agentId = null, string? teamId = null, CancellationToken cancellationToken = default)
    {
        var query = RecordOrdering.LatestUserMemory(userId, agentId, teamId);
        lock (_gate)
        {
            var match = PageUserMemories(query).Items.FirstOrDefault();
            return Task.FromResult(match is null ? null : Copy(match));
        }
    }

    /// <inheritdoc />
    public Task<PagedResult<UserMemory>> GetUserMemoriesAsync(UserMemoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new UserMemoryQuery();
        Guard.Query(query, nameof(query));
        lock (_gate)
        {
            var page = PageUserMemories(query);
            return Task.FromResult(new PagedResult<UserMemory>(page.Items.Select(Copy).ToList(), page.Total));
        }
    }

    private PagedResult<UserMemory> PageUserMemories(UserMemoryQuery query) =>
        RecordOrdering.Page(_userMemories.Values.Where(m => RecordOrdering.Matches(m, query)), m => m.UpdatedAt, m => m.UserId, SortOrder.Descending, query.Limit, query.Offset);

    /// <inheritdoc />
    public Task<bool> DeleteUserMemoryAsync(string userId, CancellationToken cancellationToken = default)
    {
        Guard.Id(userId, nameof(userId));
        lock (_gate)
        {
            return Task.FromResult(_userMemories.Remove(userId));
        }
    }

    /// <inheritdoc />
    public Task<int> DeleteUserMemoriesAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        Guard.Ids(userIds, nameof(userIds));
        lock (_gate)
        {
            return Task.FromResult(userIds.Distinct(StringComparer.Ordinal).Count(_userMemories.Remove));
        }
    }

    /// <inheritdoc />
    public Task<KnowledgeRow> UpsertKnowledgeContentAsync(KnowledgeRow row, CancellationToken cancellationToken = default)
    {
        Guard.KnowledgeRow(row, nameof(row));
        lock (_gate)
        {
            var now = StorageClock.Now();
            var stored = Copy(row);
            stored.CreatedAt = row.CreatedAt is { } created
                ? StorageClock.Truncate(created)
                : _knowledge.TryGetValue(row.Id, out var existing) ? existing.CreatedAt : now;
            stored.UpdatedAt = now;
            _knowledge[row.Id] = stored;
            return Task.FromResult(Copy(stored));
        }
    }

    /// <inheritdoc />
    public Task<KnowledgeRow?> GetKnowledgeContentAsync(string id, CancellationToken cancellationToken = default)
    {
        Guard.Id(id, nameof(id));
        lock (_gate)
        {
            return Task.FromResult(_knowledge.TryGetValue(id, out var row) ? Copy(row) : null);
        }
    }

    /// <inheritdoc />
    public Task<PagedResult<KnowledgeRow>> GetKnowledgeContentsAsync(KnowledgeQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new KnowledgeQuery();
        RecordOrdering.Validate(query, nameof(query));
        lock (_gate)
        {
            var page = RecordOrdering.Page(
                _knowledge.Values.Where(r => query.KnowledgeBaseId is null || r.KnowledgeBaseId == query.KnowledgeBaseId),
                r => RecordOrdering.KnowledgeKey(r, query.SortBy), r => r.Id, query.SortOrder, query.Limit, RecordOrdering.KnowledgeOffset(query));
            return Task.FromResult(new PagedResult<KnowledgeRow>(page.Items.Select(Copy).ToList(), page.Total));
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteKnowledgeContentAsync(string id, CancellationToken cancellationToken = default)
    {
        Guard.Id(id, nameof(id));
        lock (_gate)
        {
            return Task.FromResult(_knowledge.Remove(id));
        }
    }

    /// <inheritdoc />
    public Task<int> DeleteKnowledgeContentsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        Guard.Ids(ids, nameof(ids), allowEmpty: true);
        lock (_gate)
        {
            return Task.FromResult(ids.Distinct(StringComparer.Ordinal).Count(_knowledge.Remove));
        }
    }


    private static UserMemory Copy(UserMemory m) => new()
    {
        UserId = m.UserId,
        Profile = (JsonObject)m.Profile.DeepClone(),
        AgentId = m.AgentId,
        TeamId = m.TeamId,
        CreatedAt = m.CreatedAt,
        UpdatedAt = m.UpdatedAt,
    };

    private static KnowledgeRow Copy(KnowledgeRow r) => new()
    {
        Id = r.Id,
        Name = r.Name,
        Description = r.Description,
        Metadata = StorageJson.Clone(r.Metadata),
        Type = r.Type,
        Size = r.Size,
        KnowledgeBaseId = r.KnowledgeBaseId,
        ContentHash = r.ContentHash,
        ChunkCount = r.ChunkCount,
        Source = r.Source,
        Status = r.Status,
        StatusMessage = r.StatusMessage,
        AccessCount = r.AccessCount,
        CreatedAt = r.CreatedAt,
        UpdatedAt = r.UpdatedAt,
    };
}
