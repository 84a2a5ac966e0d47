using Upsonic.Storage;
using Upsonic.Storage.Backends;

namespace Upsonic.Memory.ExampleBackend.Tests;

// Streaming the notebook in pages: records by id (ordinal), a session's rows by sequence, and imports at their original keys.
// StorePageBuilder maps each row on its own (a corrupt row is reported, not thrown) and sets the next cursor.
public sealed partial class NotebookStorage
{
    /// <inheritdoc />
    protected override Task<StorePage<AgentSession>> GetSessionHeadsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var page = new StorePageBuilder<AgentSession>(PageCursor.Sessions, pageSize);
            foreach (var id in KeysAfter(_sessions.Where(p => !Expired(p.Value)).Select(p => p.Key), after, pageSize))
            {
                page.Add(id, 0, () => Read<AgentSession>(_sessions[id].Head));
            }

            return Task.FromResult(page.Build());
        }
    }

    /// <inheritdoc />
    protected override Task<StorePage<SessionMessageRow>> GetSessionMessagesPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var page = new StorePageBuilder<SessionMessageRow>(PageCursor.Messages, pageSize);
            var rows = TryGetLive(sessionId, out var state) ? state.Messages.Where(m => m.Sequence > afterSequence).OrderBy(m => m.Sequence).Take(pageSize) : [];
            foreach (var m in rows)
            {
                page.Add(sessionId, m.Sequence, () => new SessionMessageRow(m.Sequence, m.Turn, m.RunId, m.InHistory, StorageJson.DeserializeMessage(m.Json, sessionId, m.Sequence)));
            }

            return Task.FromResult(page.Build());
        }
    }

    /// <inheritdoc />
    protected override Task<StorePage<SessionRunRow>> GetSessionRunsPageCoreAsync(string sessionId, long afterSequence, int pageSize, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var page = new StorePageBuilder<SessionRunRow>(PageCursor.Runs, pageSize);
            var runs = TryGetLive(sessionId, out var state)
                ? state.Runs.Values.Where(r => r.Sequence > afterSequence).OrderBy(r => r.Sequence).Take(pageSize)
                : [];
            foreach (var run in runs)
            {
                page.Add(sessionId, run.Sequence, () => new SessionRunRow(Read<RunRecord>(run.Json), run.MessageCount));
            }

            return Task.FromResult(page.Build());
        }
    }

    /// <inheritdoc />
    protected override Task<SessionRowCounts?> CountSessionRowsCoreAsync(string sessionId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(TryGetLive(sessionId, out var state)
                ? new SessionRowCounts(state.Messages.Count, state.Messages.Count(m => m.InHistory), state.Runs.Count)
                : null);
        }
    }

    /// <inheritdoc />
    protected override Task<StorePage<UserMemory>> GetUserMemoriesPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        JsonPage(_profiles, json => !IsExpired(Read<UserMemory>(json).UpdatedAt), PageCursor.UserMemories, after, pageSize, Read<UserMemory>);

    /// <inheritdoc />
    protected override Task<StorePage<KnowledgeRow>> GetKnowledgeContentsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken) =>
        JsonPage(_knowledge, _ => true, PageCursor.Knowledge, after, pageSize, Read<KnowledgeRow>);

    /// <inheritdoc />
    protected override Task ImportSessionHeadCoreAsync(AgentSession head, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(head.SessionId, out var state))
            {
                state.Head = Write(head);
            }
            else
            {
                _sessions[head.SessionId] = new Session { Head = Write(head) };
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override Task<bool> ImportSessionMessagesCoreAsync(string sessionId, IReadOnlyList<SessionMessageRow> messages, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var state))
            {
                return Task.FromResult(false);
            }

            var replaced = messages.Select(m => m.Sequence).ToHashSet();
            state.Messages.RemoveAll(m => replaced.Contains(m.Sequence));
            state.Messages.AddRange(messages.Select(m => (m.Sequence, m.Turn, m.RunId, m.InHistory, StorageJson.SerializeMessage(m.Message))));
            state.Messages.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
            state.RunCount = Math.Max(state.RunCount, messages.Max(m => m.Turn));
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    protected override Task<bool> ImportSessionRunsCoreAsync(string sessionId, IReadOnlyList<SessionRunRow> runs, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var state))
            {
                return Task.FromResult(false);
            }

            foreach (var (run, count) in runs)
            {
                state.Runs[run.RunId] = (run.Sequence, count, Write(run));
                state.RunCount = Math.Max(state.RunCount, run.Sequence);
            }

            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    protected override Task ImportUserMemoriesCoreAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var memory in userMemories)
            {
                _profiles[memory.UserId] = Write(memory);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override Task ImportKnowledgeContentsCoreAsync(IReadOnlyList<KnowledgeRow> rows, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var row in rows)
            {
                _knowledge[row.Id] = Write(row);
            }
        }

        return Task.CompletedTask;
    }

    private Task<StorePage<T>> JsonPage<T>(Dictionary<string, string> records, Func<string, bool> live, string listing, PageCursor? after, int pageSize, Func<string, T> read)
    {
        lock (_gate)
        {
            var page = new StorePageBuilder<T>(listing, pageSize);
            foreach (var id in KeysAfter(records.Where(p => live(p.Value)).Select(p => p.Key), after, pageSize))
            {
                page.Add(id, 0, () => read(records[id]));
            }

            return Task.FromResult(page.Build());
        }
    }

    private static List<string> KeysAfter(IEnumerable<string> keys, PageCursor? after, int count) =>
        keys.Where(k => after is null || string.CompareOrdinal(k, after.Key) > 0).Order(StringComparer.Ordinal).Take(count).ToList();
}
