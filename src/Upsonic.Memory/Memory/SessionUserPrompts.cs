using System.Text.Json.Nodes;

namespace Upsonic.Storage;

/// <summary>
/// Fills upstream's <c>session_data["user_prompts"]</c> on sessions that <see cref="Memory"/> reads: the raw inputs of the session's
/// runs, in run order, the most recent <see cref="Memory.MaxSessionUserPrompts"/> of them.
/// </summary>
/// <remarks>
/// Upstream appends the prompt to the stored session on every save (so a paused-then-completed run records it twice) and never
/// trims the list. Here saves are append-only and never rewrite the session head, so the list is derived from the run records
/// (each run once) when a whole session is read; a session without runs keeps whatever its stored session data holds.
/// </remarks>
internal static class SessionUserPrompts
{
    /// <summary>The session-data key upstream uses.</summary>
    public const string Key = "user_prompts";

    public static AgentSession? Fill(AgentSession? session)
    {
        if (session is null || session.Runs.Count == 0)
        {
            return session;
        }

        var inputs = session.Runs.Select(r => r.Input).Where(i => !string.IsNullOrEmpty(i)).ToList();
        var kept = inputs.Skip(Math.Max(0, inputs.Count - Memory.MaxSessionUserPrompts));
        session.SessionData ??= [];
        session.SessionData[Key] = new JsonArray([.. kept.Select(i => (JsonNode?)JsonValue.Create(i))]);
        return session;
    }
}
