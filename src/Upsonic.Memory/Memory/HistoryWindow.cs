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
    public static List<ChatMessage> Build(IEnumerable<HistoryTurn> turns, bool feedToolCallResults)
    {
        var messages = turns.SelectMany(t => t.Messages).Where(m => m.Role != ChatRole.System).ToList();
        var callIds = new HashSet<string>(StringComparer.Ordinal);
        var resultIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var content in messages.SelectMany(m => m.Contents))
        {
            switch (content)
            {
                case FunctionCallContent call:
                    callIds.Add(call.CallId);
                    break;
                case FunctionResultContent result:
                    resultIds.Add(result.CallId);
                    break;
            }
        }

        var window = new List<ChatMessage>(messages.Count);
        foreach (var message in messages)
        {
            if (!feedToolCallResults && message.Role == ChatRole.Tool)
            {
                continue;
            }

            var kept = message.Contents.Where(c => c switch
            {
                FunctionCallContent call => feedToolCallResults && resultIds.Contains(call.CallId),
                FunctionResultContent result => feedToolCallResults && callIds.Contains(result.CallId),
                _ => true,
            }).ToList();
            if (kept.Count == 0)
            {
                continue;
            }

            // Copies: the turns may be a held window shared by later prepares, which nothing a caller does may change.
            window.Add(MessageCopy.Of(kept.Count == message.Contents.Count ? message : CopyWith(message, kept)));
        }

        var firstUser = window.FindIndex(m => m.Role == ChatRole.User);
        return firstUser < 0 ? [] : window.GetRange(firstUser, window.Count - firstUser);
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
