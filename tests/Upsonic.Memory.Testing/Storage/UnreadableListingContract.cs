using Microsoft.Extensions.Logging;
using Upsonic.Storage;
using Upsonic.Storage.Backends;
using Xunit;
using static Upsonic.Storage.Testing.TestData;

namespace Upsonic.Storage.Testing;

/// <summary>A listing that meets a stored record it cannot read returns the other records and reports the bad one (in
/// <see cref="PagedResult{T}.UnreadableRecords"/>, as a warning naming it and on the <c>upsonic.memory.unreadable_records</c>
/// counter) instead of failing; reading that one record alone still throws.</summary>
/// <typeparam name="TTarget">The backend's target.</typeparam>
public abstract class UnreadableListingContract<TTarget> : CorruptDataContract<TTarget>
    where TTarget : StorageTarget, new()
{
    [Fact]
    public async Task A_session_listing_with_one_corrupt_message_returns_the_other_sessions_and_reports_the_bad_one()
    {
        var storage = await CreateAsync();
        await ThreeSessionsAsync(storage);
        await Target.CorruptMessageAsync(storage, "s-2", 1);

        await AssertSessionListingSkipsAsync(storage, "s-2");
    }

    [Fact]
    public async Task A_session_listing_with_one_unreadable_timestamp_returns_the_other_sessions_and_reports_the_bad_one()
    {
        var storage = await CreateAsync();
        await ThreeSessionsAsync(storage);
        await Target.OverwriteSessionUpdatedAtAsync(storage, "s-2", long.MaxValue);

        await AssertSessionListingSkipsAsync(storage, "s-2");
    }

    [Fact]
    public async Task A_session_listing_with_one_run_that_lost_a_message_row_returns_the_other_sessions_and_reports_the_bad_one()
    {
        var storage = await CreateAsync();
        await ThreeSessionsAsync(storage);
        await Target.DeleteMessageRowAsync(storage, "s-2", 2);

        await AssertSessionListingSkipsAsync(storage, "s-2");
    }

    [Fact]
    public async Task A_profile_listing_with_one_unreadable_profile_returns_the_other_profiles_and_reports_the_bad_one()
    {
        var storage = await CreateAsync();
        foreach (var user in new[] { "u-1", "u-2", "u-3" })
        {
            await storage.UpsertUserMemoryAsync(new UserMemory { UserId = user, AgentId = "a1", Profile = new() { ["name"] = user } }, Ct);
        }

        await Target.OverwriteProfileAsync(storage, "u-2", "[\"not a map\"]");
        var log = Listen(storage);
        using var telemetry = new TelemetryRecorder();

        var all = await storage.GetUserMemoriesAsync(cancellationToken: Ct);
        var filtered = await storage.GetUserMemoriesAsync(new UserMemoryQuery { AgentId = "a1", Limit = 3 }, Ct);

        foreach (var page in new[] { all, filtered })
        {
            Assert.Equal(["u-1", "u-3"], page.Items.Select(m => m.UserId).Order(StringComparer.Ordinal));
            Assert.Equal("u-2", AssertReported(page.UnreadableRecords));
            Assert.Equal(3, page.Total);
        }

        AssertLoggedAndCounted(log, telemetry, "u-2", "GetUserMemories", times: 2);
        var single = await Assert.ThrowsAsync<StorageException>(() => storage.GetUserMemoryAsync("u-2", cancellationToken: Ct));
        Assert.True(single.IsCorruptData);
        Assert.Equal("u-2", single.RecordId);
    }

    [Fact]
    public async Task A_listing_page_around_a_corrupt_session_keeps_its_order_limit_and_offset()
    {
        var storage = await CreateAsync();
        for (var i = 1; i <= 5; i++)
        {
            var session = Session($"p-{i}", createdAt: BaseTime.AddMinutes(i));
            session.Messages = [User($"q{i}"), Assistant($"a{i}")];
            await storage.UpsertSessionAsync(session, Ct);
        }

        await Target.CorruptMessageAsync(storage, "p-3", 2);

        var ascending = await storage.GetSessionsAsync(new SessionQuery { SortOrder = SortOrder.Ascending, Offset = 1, Limit = 3 }, Ct);
        var descending = await storage.GetSessionsAsync(new SessionQuery { Limit = 2, Offset = 2 }, Ct);

        Assert.Equal(["p-2", "p-4"], ascending.Items.Select(s => s.SessionId));
        Assert.Equal(["p-2"], descending.Items.Select(s => s.SessionId));
        Assert.Equal("p-3", AssertReported(ascending.UnreadableRecords));
        Assert.Equal("p-3", AssertReported(descending.UnreadableRecords));
        Assert.Equal(5, descending.Total);
    }

    /// <summary>Sessions s-1, s-2, s-3 (created in that order), each one turn of user u1.</summary>
    private static async Task ThreeSessionsAsync(IStorage storage)
    {
        foreach (var id in new[] { "s-1", "s-2", "s-3" })
        {
            await AppendTurnsAsync(storage, id, 1, userId: "u1", ct: Ct);
        }
    }

    private static async Task AssertSessionListingSkipsAsync(IStorage storage, string bad)
    {
        var log = Listen(storage);
        using var telemetry = new TelemetryRecorder();

        var all = await storage.GetSessionsAsync(cancellationToken: Ct);
        var filtered = await storage.GetSessionsAsync(new SessionQuery { UserId = "u1", SortBy = RecordSortField.UpdatedAt, Limit = 10 }, Ct);

        foreach (var page in new[] { all, filtered })
        {
            Assert.Equal(["s-1", "s-3"], page.Items.Select(s => s.SessionId).Order(StringComparer.Ordinal));
            Assert.Equal(bad, AssertReported(page.UnreadableRecords));
            Assert.Equal(3, page.Total);
        }

        AssertLoggedAndCounted(log, telemetry, bad, "GetSessions", times: 2);
        var single = await Assert.ThrowsAsync<StorageException>(() => storage.GetSessionAsync(bad, cancellationToken: Ct));
        Assert.True(single.IsCorruptData);
        Assert.Contains(bad, single.Message, StringComparison.Ordinal);
    }

    /// <summary>The id of the one unreadable record reported.</summary>
    private static string? AssertReported(IReadOnlyList<StorageException> unreadable)
    {
        var report = Assert.Single(unreadable);
        Assert.True(report.IsCorruptData);
        return report.RecordId;
    }

    private static void AssertLoggedAndCounted(RecordingLoggerFactory log, TelemetryRecorder telemetry, string bad, string operation, int times)
    {
        var warnings = log.Warnings;
        Assert.Equal(times, warnings.Count);
        Assert.All(warnings, w => Assert.Contains(bad, w.Message, StringComparison.Ordinal));
        Assert.All(warnings, w => Assert.Contains(operation, w.Message, StringComparison.Ordinal));
        var counted = telemetry.Measurements.Where(m => m.Instrument == "upsonic.memory.unreadable_records").ToList();
        Assert.Equal(times, counted.Sum(m => m.Value));
        Assert.All(counted, m => Assert.Equal(operation, m.Tag("db.operation.name")));
    }

    /// <summary>Records the storage's log (every storage built on the backend kit logs through <see cref="StorageBase.Logger"/>).</summary>
    private static RecordingLoggerFactory Listen(IStorage storage)
    {
        var log = new RecordingLoggerFactory();
        Assert.IsAssignableFrom<StorageBase>(storage).Logger = log.CreateLogger("storage");
        return log;
    }
}
