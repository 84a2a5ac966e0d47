using Microsoft.Extensions.AI;

namespace Upsonic;

// Upstream's agent.get_session_usage().
public sealed partial class Agent
{
    /// <summary>Reads the token usage of the memory's session: every run's usage, counted once per run.</summary>
    /// <param name="ct">Cancels the read.</param>
    /// <returns>The session's usage; an empty <see cref="UsageDetails"/> without memory or before the session's first run.</returns>
    /// <remarks>One read of the session head; no messages or runs are loaded.</remarks>
    public async Task<UsageDetails> GetSessionUsageAsync(CancellationToken ct = default)
    {
        if (Memory is null)
        {
            return new UsageDetails();
        }

        var window = await Memory.Storage.LoadSessionWindowAsync(Memory.SessionId, 0, ct).ConfigureAwait(false);
        return window?.Session.Usage ?? new UsageDetails();
    }

    /// <summary>Synchronous twin of <see cref="GetSessionUsageAsync"/> (upstream's <c>get_session_usage</c>).</summary>
    /// <returns>The session's usage.</returns>
    public UsageDetails GetSessionUsage() => Task.Run(() => GetSessionUsageAsync()).GetAwaiter().GetResult();
}
