using System.Text.Json.Nodes;
using Upsonic.Storage;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Memory.Tests.Storage;

public sealed class StorageSyncExtensionsTests
{
    [Fact]
    public void The_sync_twins_do_what_the_async_methods_do()
    {
        IStorage storage = new InMemoryStorage();
        storage.EnsureCreated();

        storage.UpsertSession(Session("s1", "u1"));
        storage.UpsertSessions([Session("s2", "u1"), Session("s3", "u2")]);
        Assert.True(storage.MergeSessionMetadata("s1", new JsonObject { ["k"] = "v" }));
        storage.UpsertUserMemory(new UserMemory { UserId = "u1" });
        storage.UpsertKnowledgeContent(new KnowledgeRow { Id = "k1", Name = "doc" });

        Assert.True(storage.TableExists(storage.SessionTable));
        Assert.Equal("v", storage.GetSession("s1")!.Metadata!["k"]!.GetValue<string>());
        Assert.Equal(2, storage.GetSessions(new SessionQuery { UserId = "u1" }).Total);
        Assert.NotNull(storage.GetUserMemory("u1"));
        Assert.Equal(1, storage.GetUserMemories().Total);
        Assert.Equal("doc", storage.GetKnowledgeContent("k1")!.Name);
        Assert.Equal(1, storage.GetKnowledgeContents().Total);
        Assert.True(storage.DeleteSession("s3"));
        Assert.Equal(2, storage.DeleteUserData("u1"));
        Assert.Equal(0, storage.DeleteKnowledgeContents([]));
        Assert.True(storage.DeleteKnowledgeContent("k1"));

        storage.ClearAll();
        Assert.Equal(0, storage.GetSessions().Total);
    }

    [Fact]
    public void The_sync_twins_throw_the_same_argument_exceptions()
    {
        IStorage storage = new InMemoryStorage();
        Assert.Equal("sessionId", Assert.Throws<ArgumentException>(() => storage.DeleteSession(" ")).ParamName);
        Assert.Equal("sessionIds", Assert.Throws<ArgumentException>(() => storage.DeleteSessions([])).ParamName);
    }
}
