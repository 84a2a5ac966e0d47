namespace Upsonic.Storage;

// Streaming the store in pages: heads, profiles and knowledge rows by id (ordinal), a session's rows by sequence, and imports.
public sealed partial class InMemoryStorage
{
    /// <inheritdoc />
    protected override Task<StorePage<AgentSession>> GetSessionHeadsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var page = new StorePageBuilder<AgentSession>(PageCursor.Sessions, pageSize);
            foreach (var id in KeysAfter(_sessions.Keys, after, pageSize))
            {
                page.Add(id, 0, () => SessionRows.CopyHead(_sessions[id].Head));
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
            if (_sessions.TryGetValue(sessionId, out var state))
            {
                foreach (var message in state.MessagesAfter(afterSequence, pageSize))
                {
                    page.Add(sessionId, message.Sequence, () =>
                    {
                        return new SessionMessageRow(message.Sequence, message.Turn, message.RunId, message.InHistory, state.Copy(message));
                    });
                }
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
            if (_sessions.TryGetValue(sessionId, out var state))
            {
                foreach (var run in state.RunsFrom(afterSequence, pageSize))
                {
                    page.Add(sessionId, run.Record.Sequence, () => new SessionRunRow(SessionRows.Copy(run.Record, withMessages: false), run.MessageCount));
                }
            }

            return Task.FromResult(page.Build());
        }
    }

    /// <inheritdoc />
    protected override Task<SessionRowCounts?> CountSessionRowsCoreAsync(string sessionId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_sessions.TryGetValue(sessionId, out var state)
                ? new SessionRowCounts(state.Messages.Count, state.Messages.Count(m => m.InHistory), state.Runs.Count)
                : null);
        }
    }

    /// <inheritdoc />
    protected override Task<StorePage<UserMemory>> GetUserMemoriesPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var page = new StorePageBuilder<UserMemory>(PageCursor.UserMemories, pageSize);
            foreach (var id in KeysAfter(_userMemories.Keys, after, pageSize))
            {
                page.Add(id, 0, () => Copy(_userMemories[id]));
            }

            return Task.FromResult(page.Build());
        }
    }

    /// <inheritdoc />
    protected override Task<StorePage<KnowledgeRow>> GetKnowledgeContentsPageCoreAsync(PageCursor? after, int pageSize, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var page = new StorePageBuilder<KnowledgeRow>(PageCursor.Knowledge, pageSize);
            foreach (var id in KeysAfter(_knowledge.Keys, after, pageSize))
            {
                page.Add(id, 0, () => Copy(_knowledge[id]));
            }

            return Task.FromResult(page.Build());
        }
    }

    /// <inheritdoc />
    protected override Task ImportSessionHeadCoreAsync(AgentSession head, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(head.SessionId, out var state))
            {
                state.Head = head;
            }
            else
            {
                _sessions[head.SessionId] = new InMemorySession { Head = head };
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override Task<bool> ImportSessionMessagesCoreAsync(string sessionId, IReadOnlyList<SessionMessageRow> messages, CancellationToken cancellationToken)
    {
        var stored = messages.Select(m => InMemorySession.StoredMessage.FromJson(m.Sequence, m.Turn, m.RunId, m.InHistory, StorageJson.SerializeMessage(m.Message), sessionId)).ToList();
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var state))
            {
                return Task.FromResult(false);
            }

            stored.ForEach(state.Import);
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

            foreach (var run in runs)
            {
                state.Import(new InMemorySession.StoredRun(run.Run, run.MessageCount));
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
                _userMemories[memory.UserId] = memory;
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
                _knowledge[row.Id] = row;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The first <paramref name="count"/> keys after the cursor's key, in ordinal order.</summary>
    private static List<string> KeysAfter(IEnumerable<string> keys, PageCursor? after, int count) =>
        keys.Where(k => after is null || string.CompareOrdinal(k, after.Key) > 0).Order(StringComparer.Ordinal).Take(count).ToList();
}
