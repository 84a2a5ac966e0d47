using Microsoft.Extensions.AI;
using MongoDB.Bson;
using MongoDB.Driver;
using Upsonic.Storage;
using Upsonic.Storage.Mongo;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Mongo.Tests.Definitions;

public sealed class RunAppendWritesTests
{
    private static readonly DateTimeOffset Now = new(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private const string NowJson = "{ '$date': '2024-01-01T12:00:00Z' }";

    private static List<string> Serialize(RunRecord run) => run.Messages.Select(StorageJson.SerializeMessage).ToList();

    /// <summary>The head of a session with <paramref name="runs"/> stored runs of two messages each.</summary>
    private static HeadAllocation HeadWithRuns(long runs, UsageDetails? usage = null) => new(runs * 2, runs, usage, runs, false);

    [Theory]
    [InlineData(1)]
    [InlineData(10_000)]
    public void An_append_sends_the_same_bounded_commands_whatever_the_history_length(long storedRuns)
    {
        var append = TestData.Append("s", TestData.Run("r-new", usage: TestData.Usage(3, 4), messages: [TestData.User("q"), TestData.Assistant("a")]));

        var plan = RunAppendWrites.Build(append, Serialize(append.Run), previousRun: null, HeadWithRuns(storedRuns), Now);

        Assert.Equal(["find run", "findAndModify head", "insert messages", "replace run", "update usage"], plan.Commands);
        Assert.Equal(2, plan.NewMessages.Count);
        Assert.Equal([storedRuns * 2 + 1, storedRuns * 2 + 2], plan.NewMessages.Select(m => m["seq"].ToInt64()));
        Assert.All(plan.NewMessages, m => Assert.Equal(storedRuns + 1, m["turn"].ToInt64()));
        Assert.Equal(storedRuns + 1, plan.RunSequence);
    }

    [Fact]
    public void A_run_without_usage_or_new_messages_skips_those_commands()
    {
        var run = TestData.Run("r", RunStatus.Completed, messages: TestData.User("q"));
        var stored = RunDocuments.Write("s", new RunRecord { RunId = "r", Sequence = 4, CreatedAt = Now.AddHours(-1), Status = RunStatus.Paused }, 1);

        var plan = RunAppendWrites.Build(TestData.Append("s", run), Serialize(run), stored, HeadWithRuns(9), Now);

        Assert.Equal(["find run", "findAndModify head", "replace run"], plan.Commands);
        Assert.Equal(4, plan.RunSequence);
        Assert.False(plan.RunCreated);
        Assert.Equal(Now.AddHours(-1), RunDocuments.Read(plan.RunDocument).CreatedAt);
    }

    [Fact]
    public void Saving_a_run_again_appends_only_the_messages_past_the_stored_count_at_their_run_positions()
    {
        var run = TestData.Run("r", messages: [TestData.User("q"), TestData.Assistant("call"), TestData.Assistant("answer")]);
        var stored = RunDocuments.Write("s", new RunRecord { RunId = "r", Sequence = 2, Status = RunStatus.Paused }, 1);

        var plan = RunAppendWrites.Build(TestData.Append("s", run, addToHistory: false), Serialize(run), stored, HeadWithRuns(5), Now);

        Assert.Equal([1, 2], plan.NewMessages.Select(m => m["index"].ToInt32()));
        Assert.Equal([11L, 12L], plan.NewMessages.Select(m => m["seq"].ToInt64()));
        Assert.All(plan.NewMessages, m => Assert.Equal((2L, false, "r"), (m["turn"].ToInt64(), m["in_history"].AsBoolean, m["run_id"].AsString)));
        Assert.Equal(3, RunDocuments.StoredMessageCount(plan.RunDocument));
    }

    [Fact]
    public void Session_usage_counts_each_run_once_across_a_pause_and_its_completion()
    {
        var stored = RunDocuments.Write("s", new RunRecord { RunId = "r", Sequence = 1, Usage = TestData.Usage(10, 0) }, 0);
        var run = TestData.Run("r", usage: TestData.Usage(15, 0));

        var plan = RunAppendWrites.Build(TestData.Append("s", run), Serialize(run), stored, HeadWithRuns(1, TestData.Usage(10, 0)), Now);

        Assert.Equal(15, plan.Usage!.Usage!.InputTokenCount);
        Render.Is("{ '_id': 's', 'version': 1 }", Render.Filter(plan.Usage.Filter()));
        var update = Render.Update(plan.Usage.Update()).AsBsonDocument;
        Assert.Equal(15, update["$set"]["usage"]["inputTokenCount"].ToInt64());
        Render.Is("{ 'version': 1 }", update["$inc"]);
    }

    [Fact]
    public void The_plan_keeps_the_stored_run_usage_that_a_usage_retry_subtracts_again()
    {
        var stored = RunDocuments.Write("s", new RunRecord { RunId = "r", Sequence = 1, Usage = TestData.Usage(10, 2) }, 0);
        var run = TestData.Run("r", usage: TestData.Usage(15, 3));

        var again = RunAppendWrites.Build(TestData.Append("s", run), Serialize(run), stored, HeadWithRuns(1), Now);
        var fresh = RunAppendWrites.Build(TestData.Append("s", run), Serialize(run), previousRun: null, HeadWithRuns(1), Now);

        Assert.Equal((10L, 2L), (again.PreviousRunUsage!.InputTokenCount, again.PreviousRunUsage.OutputTokenCount));
        Assert.Null(fresh.PreviousRunUsage);
    }

    [Fact]
    public void The_usage_check_of_a_new_head_also_matches_a_head_written_without_a_version() =>
        Render.Is("{ '_id': 's', 'version': { '$in': [0, null] } }", Render.Filter(new UsageUpdate("s", 0, null).Filter()));

    [Fact]
    public void The_allocation_creates_the_head_once_and_reserves_sequences_atomically()
    {
        var append = TestData.Append("s", TestData.Run("r", userId: "u", agentId: "a"), agentName: "helper");

        Render.Is("{ '_id': 's' }", Render.Filter(HeadAllocation.Filter("s")));
        Render.Is(
            $"{{ '$setOnInsert': {{ 'session_type': 'agent', 'agent_id': 'a', 'team_id': null, 'workflow_id': null, 'user_id': 'u', 'metadata': {{}}, " +
            $"'summary': null, 'summary_watermark': 0, 'usage': null, 'created_at': {NowJson}, 'version': 0 }}, " +
            $"'$inc': {{ 'message_count': 3, 'run_count': 1 }}, '$set': {{ 'updated_at': {NowJson}, 'agent_data.agent_name': 'helper' }} }}",
            Render.Update(HeadAllocation.Update(append, 3, newRun: true, Now)));
        var options = HeadAllocation.Options();
        Assert.True(options.IsUpsert);
        Assert.Equal(ReturnDocument.Before, options.ReturnDocument);
        Render.Is("{ 'message_count': 1, 'run_count': 1, 'usage': 1, 'version': 1 }", Render.Projection(options.Projection));
    }

    [Fact]
    public void A_missing_head_before_the_allocation_means_the_session_was_created()
    {
        var created = HeadAllocation.Read(null, "s");
        Assert.Equal((true, 0L, 0L), (created.Created, created.MessageCountBefore, created.RunCountBefore));

        var existing = HeadAllocation.Read(new BsonDocument { { "message_count", 8L }, { "run_count", 4L }, { "version", 3L } }, "s");
        Assert.Equal((false, 8L, 4L, 3L), (existing.Created, existing.MessageCountBefore, existing.RunCountBefore, existing.Version));
    }

    [Fact]
    public void Messages_are_inserted_unordered_so_positions_stored_by_an_interrupted_save_do_not_block_the_rest()
    {
        Assert.False(RunAppendWrites.InsertOptions().IsOrdered);
        Assert.True(RunAppendWrites.ReplaceOptions().IsUpsert);
    }
}
