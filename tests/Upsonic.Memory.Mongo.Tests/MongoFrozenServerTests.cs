using System.Net;
using System.Net.Sockets;
using Upsonic.Storage;
using Upsonic.Storage.Mongo;

namespace Upsonic.Memory.Mongo.Tests;

/// <summary>
/// A frozen server, as a hung (SIGSTOPped) mongod looks from the client: a listening socket that accepts connections and never
/// answers. A call fails with <see cref="StorageException"/> after the server-selection timeout; a cancelled call ends with
/// <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class MongoFrozenServerTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _accepted = [];
    private readonly CancellationTokenSource _stop = new();

    public MongoFrozenServerTests()
    {
        _listener.Start();
        _ = AcceptForeverAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Url(int serverSelectionMs) =>
        $"mongodb://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/?directConnection=true&serverSelectionTimeoutMS={serverSelectionMs}&connectTimeoutMS={serverSelectionMs}";

    [Fact]
    public async Task A_call_to_a_frozen_server_fails_with_a_storage_exception_naming_the_operation()
    {
        await using var storage = new MongoStorage(Url(1000), "frozen");

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.LoadSessionWindowAsync("s1", null, Ct));

        Assert.Equal("LoadSessionWindow", ex.Operation);
    }

    [Fact]
    public async Task Cancelling_a_call_to_a_frozen_server_ends_it_with_operation_canceled_not_a_storage_exception()
    {
        // A long server-selection timeout: only the cancellation can end the call early.
        await using var storage = new MongoStorage(Url(600_000), "frozen");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => storage.AppendRunAsync(
            new RunAppend { SessionId = "s1", Run = new RunRecord { RunId = "r1" }, AddToHistory = true }, cts.Token));
    }

    private async Task AcceptForeverAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_accepted)
                {
                    _accepted.Add(socket);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_accepted)
        {
            _accepted.ForEach(s => s.Dispose());
        }

        _stop.Dispose();
    }
}
