using Upsonic.Storage;
using Upsonic.Storage.Mongo;
using Upsonic.Storage.Testing;

namespace Upsonic.Memory.Mongo.Tests.Definitions;

public sealed class HistoryDefinitionTests
{
    [Fact]
    public void The_window_reads_history_messages_newest_turn_first_along_the_history_index()
    {
        Render.Is("{ 'session_id': 's', 'in_history': true }", Render.Filter(MessageDefinitions.History("s")));
        Render.Is("{ 'turn': -1, 'seq': -1 }", Render.Sort(MessageDefinitions.NewestTurnFirst()));
        var index = MongoIndexes.Messages().Single(i => i.Options.Name == "session_history_turn");
        // The sort is the exact reverse of the index after its equality prefix, so the server walks the index backwards, no sort stage.
        Render.Is("{ 'session_id': 1, 'in_history': 1, 'turn': 1, 'seq': 1 }", Render.Keys(index.Keys));
    }

    [Fact]
    public void The_window_limit_is_bounded_by_the_requested_turns_and_doubles_per_retry()
    {
        Assert.Equal(10 * MessageDefinitions.MessagesPerTurnGuess, MessageDefinitions.WindowLimit(10, 0));
        Assert.Equal(20 * MessageDefinitions.MessagesPerTurnGuess, MessageDefinitions.WindowLimit(10, 1));
        Assert.Equal(MessageDefinitions.MessagesPerTurnGuess, MessageDefinitions.WindowLimit(0, 0));
    }

    private static List<MessageRow> NewestFirst(params (long Seq, long Turn)[] rows) =>
        rows.Select(r => new MessageRow(r.Seq, r.Turn, null, true, TestData.User($"m{r.Seq}"))).ToList();

    [Fact]
    public void The_newest_turns_are_kept_whole_when_an_older_turn_was_seen()
    {
        var rows = NewestFirst((6, 3), (5, 3), (4, 2), (3, 2), (2, 1));
        Assert.Equal([6L, 5, 4, 3], MessageDefinitions.TakeTurns(rows, 2, limit: 5)!.Select(r => r.Sequence));
    }

    [Fact]
    public void Fewer_rows_than_the_limit_mean_the_whole_history_was_read()
    {
        var rows = NewestFirst((3, 2), (2, 2), (1, 1));
        Assert.Equal([3L, 2, 1], MessageDefinitions.TakeTurns(rows, 5, limit: 10)!.Select(r => r.Sequence));
    }

    [Fact]
    public void A_full_page_that_may_cut_the_oldest_wanted_turn_asks_for_a_larger_read()
    {
        var rows = NewestFirst((6, 3), (5, 3), (4, 2), (3, 2));
        Assert.Null(MessageDefinitions.TakeTurns(rows, 2, limit: 4));
    }

    [Fact]
    public void Run_lookups_use_the_run_key_and_the_sequence()
    {
        Render.Is("{ 'session_id': 's', 'run_id': 'r' }", Render.Filter(RunDefinitions.ByKey("s", "r")));
        Render.Is("{ 'session_id': 's', 'seq': { '$gt': 4 } }", Render.Filter(RunDefinitions.After("s", 4)));
        Render.Is("{ 'seq': -1 }", Render.Sort(RunDefinitions.NewestFirst()));
        Render.Is("{ 'run_id': 'r', 'agent_id': 'a' }", Render.Filter(RunDefinitions.ById("r", "a")));
        Render.Is("{ 'run_id': 'r' }", Render.Filter(RunDefinitions.ById("r", null)));
        Render.Is("{ 'session_id': 's', 'run_id': { '$in': ['r1', 'r2'] } }", Render.Filter(MessageDefinitions.OfRuns("s", ["r1", "r2"])));
    }
}
