using Upsonic.Storage;
using Upsonic.Storage.Redis;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Redis.Tests;

/// <summary>The documented size limit of one write: the largest run is stored whole, a larger one is rejected before any I/O.</summary>
public sealed class RedisWriteLimitTests : IAsyncLifetime
{
    private readonly RedisTarget _target = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await RedisTestServer.RequireAsync();

    public ValueTask DisposeAsync() => _target.DisposeAsync();

    private static RunRecord RunOf(string runId, int messages) =>
        Run(runId, messages: [.. Enumerable.Range(0, messages).Select(i => i % 2 == 0 ? User("q" + i) : Assistant("a" + i))]);

    [Fact]
    public async Task A_run_of_the_largest_allowed_size_is_stored_whole_in_one_step()
    {
        // About 10 MB in one script call: its own connection with a long timeout, so a busy test machine cannot fail it.
        var options = StackExchange.Redis.ConfigurationOptions.Parse(RedisTestServer.Config);
        options.AsyncTimeout = options.SyncTimeout = 120_000;
        await using var client = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options);
        await using var storage = new RedisStorage(client, _target.NewPrefix());

        var result = await storage.AppendRunAsync(Append("s-big", RunOf("r1", RedisStorage.MaxMessagesPerWrite)), Ct);

        Assert.Equal(RedisStorage.MaxMessagesPerWrite, result.MessagesAppended);
        var window = await storage.LoadSessionWindowAsync("s-big", null, Ct);
        Assert.Equal(RedisStorage.MaxMessagesPerWrite, window!.Turns.Sum(t => t.Messages.Count));
    }

    [Fact]
    public async Task A_larger_run_or_session_is_rejected_naming_the_parameter_before_anything_is_written()
    {
        await using var storage = (RedisStorage)await _target.CreateAsync();
        var tooBig = RunOf("r1", RedisStorage.MaxMessagesPerWrite + 1);
        var session = Session("s-session");
        session.Messages = [.. tooBig.Messages.Take(10)];
        session.Runs = [tooBig];

        var append = await Assert.ThrowsAsync<ArgumentException>(() => storage.AppendRunAsync(Append("s-big", tooBig), Ct));
        var upsert = await Assert.ThrowsAsync<ArgumentException>(() => storage.UpsertSessionAsync(session, Ct));

        Assert.Equal("append", append.ParamName);
        Assert.Equal("session", upsert.ParamName);
        Assert.Contains(RedisStorage.MaxMessagesPerWrite.ToString(System.Globalization.CultureInfo.InvariantCulture), append.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await storage.GetSessionsAsync(cancellationToken: Ct)).Total);
        Assert.Null(await storage.FindRunAsync("r1", cancellationToken: Ct));
    }
}
