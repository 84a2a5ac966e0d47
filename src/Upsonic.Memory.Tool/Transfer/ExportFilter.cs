using System.Text.Json.Nodes;

namespace Upsonic.Memory.Tool.Transfer;

/// <summary>
/// What an export takes: everything (no filter); with <see cref="UserId"/> only that user's sessions and profile; with
/// <see cref="SessionIds"/> only those sessions (of that user, when both are given). Knowledge rows only go with no filter.
/// </summary>
/// <param name="UserId">Only this user's sessions and profile.</param>
/// <param name="SessionIds">Only these sessions (empty: no session filter).</param>
internal sealed record ExportFilter(string? UserId, IReadOnlyList<string> SessionIds)
{
    /// <summary>Whether anything is filtered.</summary>
    public bool IsEmpty => UserId is null && SessionIds.Count == 0;

    /// <summary>The filter as written into the export header (<see langword="null"/> when none).</summary>
    public JsonObject? ToJson()
    {
        if (IsEmpty)
        {
            return null;
        }

        var ids = new JsonArray();
        foreach (var id in SessionIds)
        {
            ids.Add(id);
        }

        return new JsonObject { ["user_id"] = UserId, ["session_ids"] = SessionIds.Count == 0 ? null : ids };
    }
}
