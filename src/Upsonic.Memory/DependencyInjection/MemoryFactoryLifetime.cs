using Microsoft.Extensions.Hosting;
using Upsonic.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Ties the registered <see cref="MemoryFactory"/> to the host: it is created when the host starts (so a missing storage or a bad
/// setting fails start-up), and its background summary and profile work is drained after the host has stopped serving requests.
/// </summary>
internal sealed class MemoryFactoryLifetime(MemoryFactory factory) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // After every hosted service (the web server included) has stopped, so no request is still saving turns.
    public Task StoppedAsync(CancellationToken cancellationToken) => factory.DisposeAsync().AsTask().WaitAsync(cancellationToken);
}
