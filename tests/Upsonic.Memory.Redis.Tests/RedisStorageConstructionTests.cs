using StackExchange.Redis;
using Upsonic.Storage;
using Upsonic.Storage.Redis;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Redis.Tests;

/// <summary>Constructor arguments, defaults and the stable default id. Most need no server: the connection opens on first use.</summary>
public sealed class RedisStorageConstructionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_url_is_an_argument_exception_naming_it(string? url)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new RedisStorage(url!));
        Assert.Equal("dbUrl", ex.ParamName);
    }

    [Fact]
    public void A_missing_client_is_an_argument_exception_naming_it()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new RedisStorage((IConnectionMultiplexer)null!));
        Assert.Equal("redisClient", ex.ParamName);
    }

    [Theory]
    [InlineData("redis://me:s3cret-pw@localhost:6379/notadb")]
    [InlineData("redis://me:s3cret-pw@localhost:6379/99999999999")]
    [InlineData("localhost:6379,password=s3cret-pw,nosuchoption=1")]
    [InlineData("localhost:6379,password=s3cret-pw,connectTimeout=soon")]
    public void An_unparseable_url_is_an_argument_exception_that_does_not_echo_the_password_anywhere(string dbUrl)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new RedisStorage(dbUrl));
        Assert.Equal("dbUrl", ex.ParamName);
        // The whole chain, inner exceptions included: a parser's message quotes the text it could not parse.
        Assert.DoesNotContain("s3cret-pw", ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("redis://localhost:1234/2", null, null, 1234, 2, false)]
    [InlineData("redis://:pw@localhost", null, "pw", 6379, null, false)]
    [InlineData("redis://me:p%40ss@localhost:7000", "me", "p@ss", 7000, null, false)]
    [InlineData("rediss://localhost:6380", null, null, 6380, null, true)]
    [InlineData("localhost:7001,password=pw", null, "pw", 7001, null, false)]
    public void Urls_and_configuration_strings_are_parsed_with_fail_fast_reconnecting_settings(
        string url, string? user, string? password, int port, int? database, bool ssl)
    {
        var options = RedisConnectionOptions.Parse(url, "dbUrl");
        Assert.Equal(user, options.User);
        Assert.Equal(password, options.Password);
        Assert.Equal(port, Assert.IsType<System.Net.DnsEndPoint>(Assert.Single(options.EndPoints)).Port);
        Assert.Equal(database, options.DefaultDatabase);
        Assert.Equal(ssl, options.Ssl);
        Assert.False(options.AbortOnConnectFail);
        Assert.Equal(RedisConnectionOptions.TimeoutMilliseconds, options.AsyncTimeout);
        Assert.Equal(RedisConnectionOptions.TimeoutMilliseconds, options.ConnectTimeout);
        Assert.Same(BacklogPolicy.FailFast, options.BacklogPolicy);
    }

    [Fact]
    public void Timeouts_given_in_a_configuration_string_are_kept_and_the_others_get_the_short_default()
    {
        var options = RedisConnectionOptions.Parse("localhost:7001,syncTimeout=15000,asyncTimeout=20000", "dbUrl");

        Assert.Equal(15000, options.SyncTimeout);
        Assert.Equal(20000, options.AsyncTimeout);
        Assert.Equal(RedisConnectionOptions.TimeoutMilliseconds, options.ConnectTimeout);
    }

    [Theory]
    [InlineData("bad-prefix")]
    [InlineData("1abc")]
    [InlineData("a:b")]
    [InlineData("{tag}")]
    public void An_invalid_prefix_is_rejected(string prefix)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new RedisStorage("127.0.0.1:6379", prefix));
        Assert.Equal("dbPrefix", ex.ParamName);
    }

    [Theory]
    [InlineData("sessionTable")]
    [InlineData("userMemoryTable")]
    [InlineData("knowledgeTable")]
    public void An_invalid_table_name_is_rejected(string which)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new RedisStorage(
            "127.0.0.1:6379",
            sessionTable: which == "sessionTable" ? "x;y" : null,
            userMemoryTable: which == "userMemoryTable" ? "x y" : null,
            knowledgeTable: which == "knowledgeTable" ? "x}y" : null));
        Assert.Equal(which, ex.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Expire_must_be_positive(int expire)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new RedisStorage("127.0.0.1:6379", expire: expire));
        Assert.Equal("expire", ex.ParamName);
    }

    [Fact]
    public async Task Defaults_are_the_upstream_redis_ones()
    {
        await using var storage = new RedisStorage("redis://127.0.0.1:6379");
        Assert.Equal("upsonic", storage.DbPrefix);
        Assert.Null(storage.Expire);
        Assert.Equal("sessions", storage.SessionTable);
        Assert.Equal("user_memories", storage.UserMemoryTable);
        Assert.Equal("upsonic_knowledge", storage.KnowledgeTable);
    }

    [Fact]
    public async Task The_default_id_is_stable_for_the_same_endpoint_and_prefix_and_differs_otherwise()
    {
        await using var a = new RedisStorage("127.0.0.1:6379", "app");
        await using var b = new RedisStorage("127.0.0.1:6379,password=ignored-for-the-id", "app");
        await using var c = new RedisStorage("127.0.0.1:6379", "other");
        await using var d = new RedisStorage("127.0.0.1:6380", "app");
        Assert.StartsWith("redis_", a.Id, StringComparison.Ordinal);
        Assert.Equal(a.Id, b.Id);
        Assert.NotEqual(a.Id, c.Id);
        Assert.NotEqual(a.Id, d.Id);
        Assert.Equal(RedisStorage.DefaultId("app", "127.0.0.1:6379/0"), a.Id);
    }

    [Fact]
    public async Task A_given_id_and_expire_are_kept()
    {
        await using var storage = new RedisStorage("127.0.0.1:6379", "app", expire: 60, id: "mine");
        Assert.Equal("mine", storage.Id);
        Assert.Equal(60, storage.Expire);
    }

    [Fact]
    public async Task A_redis_url_connects_and_stores()
    {
        await RedisTestServer.RequireAsync();
        var config = ConfigurationOptions.Parse(RedisTestServer.Config);
        Assert.SkipWhen(config.Password is not null || config.EndPoints.Count != 1, "UPSONIC_TEST_REDIS is not a plain host:port.");
        var target = new RedisTarget();
        await using var _ = target;
        await using var storage = new RedisStorage("redis://" + RedisTestServer.Config + "/0", target.NewPrefix());
        await storage.AppendRunAsync(Append("s1", Turn("r1", "hello")), Ct);
        Assert.Equal("hello", (await storage.LoadSessionWindowAsync("s1", null, Ct))!.Turns[0].Messages[0].Text);
    }

    [Fact]
    public async Task A_given_client_is_used_and_left_open_on_dispose()
    {
        await RedisTestServer.RequireAsync();
        var target = new RedisTarget();
        await using var _ = target;
        var client = await ConnectionMultiplexer.ConnectAsync(RedisTestServer.Config);
        await using (client)
        {
            var storage = new RedisStorage(client, target.NewPrefix());
            await storage.AppendRunAsync(Append("s1", Turn("r1", "hello")), Ct);
            await storage.DisposeAsync();
            Assert.True(client.IsConnected);
            Assert.True(await client.GetDatabase().PingAsync() >= TimeSpan.Zero);
            Assert.NotEmpty(await RedisTestServer.KeysAsync(storage.DbPrefix));
        }
    }

    [Fact]
    public async Task An_unreachable_server_is_a_storage_exception_without_the_password()
    {
        await using var storage = new RedisStorage("127.0.0.1:1,password=hunter2-secret", "app");
        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.LoadSessionWindowAsync("s1", null, Ct));
        Assert.Equal("LoadSessionWindow", ex.Operation);
        Assert.Equal("s1", ex.RecordId);
        Assert.DoesNotContain("hunter2-secret", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.InnerException);
    }
}
