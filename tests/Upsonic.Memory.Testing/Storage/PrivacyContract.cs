using System.Text.Json.Nodes;
using Upsonic.Storage;
using Xunit;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Storage.Testing;

/// <summary>
/// Privacy: after <see cref="IStorage.DeleteUserDataAsync"/> nothing of the user is left anywhere in the engine (rows, keys, index
/// entries, documents, files), checked by scanning the raw engine, while other users' data stays.
/// </summary>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class PrivacyContract<TTarget> : RetentionContract<TTarget>
    where TTarget : StorageTarget, new()
{
    private const string Marker = "forgetme";

    [Fact]
    public async Task Forgetting_a_user_leaves_no_row_key_or_document_holding_their_id_or_text_in_the_engine()
    {
        var storage = await CreateAsync();
        await WriteUserAsync(storage, $"{Marker}-user", Marker);
        await WriteUserAsync(storage, "kept-user", "kept");
        var before = await Target.ReadRawContentsAsync(storage);
        Assert.Contains(before, r => r.Contains($"{Marker}-text", StringComparison.Ordinal));

        Assert.Equal(2, await storage.DeleteUserDataAsync($"{Marker}-user", Ct));

        var after = await Target.ReadRawContentsAsync(storage);
        var left = after.Where(r => r.Contains(Marker, StringComparison.Ordinal)).ToList();
        Assert.True(left.Count == 0, $"Left in the engine after forgetting the user: {string.Join(" | ", left.Take(5))}");
        foreach (var kept in new[] { "kept-text", "kept-trait", "kept-summary", "kept-s1", "kept-run" })
        {
            Assert.Contains(after, r => r.Contains(kept, StringComparison.Ordinal));
        }
    }

    /// <summary>Two sessions (runs, history, a summary, metadata) and a profile of a user, every value carrying <paramref name="tag"/>.</summary>
    private static async Task WriteUserAsync(IStorage storage, string userId, string tag)
    {
        foreach (var session in new[] { $"{tag}-s1", $"{tag}-s2" })
        {
            await storage.AppendRunAsync(Append(session, Turn($"{tag}-run-{session}", $"{tag}-text", userId, $"{tag}-agent")), Ct);
            await storage.UpdateSummaryAsync(session, $"{tag}-summary", 1, Ct);
            await storage.MergeSessionMetadataAsync(session, new JsonObject { [$"{tag}-key"] = $"{tag}-value" }, Ct);
        }

        await storage.UpdateUserProfileAsync(new ProfileUpdate { UserId = userId, Traits = new JsonObject { ["t"] = $"{tag}-trait" }, AgentId = $"{tag}-agent" }, Ct);
    }
}
