using Microsoft.Extensions.Diagnostics.HealthChecks;
using Upsonic.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Reports whether the memory storage answers: one read of a session head that does not exist (one round trip on every backend).</summary>
internal sealed class MemoryStorageHealthCheck(IStorage storage) : IHealthCheck
{
    /// <summary>The session id the check reads; no session by that name is ever written.</summary>
    internal const string ProbeSessionId = "upsonic-health-check";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await storage.LoadSessionWindowAsync(ProbeSessionId, 0, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{storage.GetType().Name} answered.");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{storage.GetType().Name} did not answer: {ex.Message}", ex);
        }
    }
}
