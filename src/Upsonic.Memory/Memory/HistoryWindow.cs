using Microsoft.Extensions.AI;
using Upsonic.Storage.Backends;

namespace Upsonic.Storage;

/// <summary>Turns the stored turns of a session into the history a run is given.</summary>
/// <remarks>
/// Providers reject histories that start with a tool result or carry a tool call without its result (or the reverse), so the
/// window is made well-formed whatever was stored: calls without a result and results without a call are removed (a paused
/// run stores a call whose result never came); with <c>feedToolCallResults</c> off every call, result and tool message is
/// removed; messages left without content go; stored system messages go (the run's own system prompt is current); and the
/// history starts at the first user message. Whole turns come from storage, so the limit counts runs, not messages. The messages
/// returned are copies (<see cref="MessageCopy"/>), made without JSON.
/// </remarks>
internal static class HistoryWindow
{
    public static List<ChatMessage> Build(IReadOnlyList<HistoryTurn> turns, bool feedToolCallResults)
    {
        // Plain loops: this runs on every prepare over the whole window, and most messages carry no tool content.
        HashSet<string>? callIds = null;
        HashSet<string>? resultIds = null;
        var count = 0;
        foreach (var turn in turns)
        {
            foreach (var message in turn.Messages)
            {
                count++;
                foreach (var content in message.Contents)
                {
                    switch (content)
                    {
                        case FunctionCallContent call:
                            (callIds ??= new HashSet<string>(StringComparer.Ordinal)).Add(call.CallId);
                            break;
                        case FunctionResultContent result:
                            (resultIds ??= new HashSet<string>(StringComparer.Ordinal)).Add(result.CallId);
                            break;
                    }
                }
            }
        }

        var window = new List<ChatMessage>(count);
        foreach (var turn in turns)
        {
            foreach (var message in turn.Messages)
            {
                if (message.Role == ChatRole.System || (!feedToolCallResults && message.Role == ChatRole.Tool))
                {
                    continue;
                }

                // The history starts at the first user message that is kept.
                if (window.Count == 0 && message.Role != ChatRole.User)
                {
                    continue;
                }

                var kept = Kept(message.Contents, feedToolCallResults, callIds, resultIds);
                if (kept is { Count: 0 } || message.Contents.Count == 0)
                {
                    continue;
                }

                // Copies: the turns may be a held window shared by later prepares, which nothing a caller does may change.
                window.Add(MessageCopy.Of(kept is null ? message : CopyWith(message, kept)));
            }
        }

        return window;
    }

    // The contents to keep, or null when every one is kept: a call only with its result and a result only with its call, and
    // neither when tool results are not fed.
    private static List<AIContent>? Kept(IList<AIContent> contents, bool feedToolCallResults, HashSet<string>? callIds, HashSet<string>? resultIds)
    {
        List<AIContent>? kept = null;
        for (var i = 0; i < contents.Count; i++)
        {
            var content = contents[i];
            var keep = content switch
            {
                FunctionCallContent call => feedToolCallResults && resultIds is not null && resultIds.Contains(call.CallId),
                FunctionResultContent result => feedToolCallResults && callIds is not null && callIds.Contains(result.CallId),
                _ => true,
            };
            if (!keep && kept is null)
            {
                kept = new List<AIContent>(contents.Count);
                for (var j = 0; j < i; j++)
                {
                    kept.Add(contents[j]);
                }
            }
            else if (keep && kept is not null)
            {
                kept.Add(content);
            }
        }

        return kept;
    }

    /// <summary>A copy of <paramref name="message"/> holding <paramref name="contents"/> instead of its own.</summary>
    public static ChatMessage CopyWith(ChatMessage message, IList<AIContent> contents) => new(message.Role, contents)
    {
        AuthorName = message.AuthorName,
        MessageId = message.MessageId,
        CreatedAt = message.CreatedAt,
        AdditionalProperties = message.AdditionalProperties,
    };
}
