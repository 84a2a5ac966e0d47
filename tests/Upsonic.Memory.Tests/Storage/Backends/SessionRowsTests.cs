using Microsoft.Extensions.AI;
using Upsonic.Storage;
using static Upsonic.Testing.Storage.TestData;

namespace Upsonic.Memory.Tests.Storage.Backends;

public sealed class SessionRowsTests
{
    [Fact]
    public void History_turns_start_at_each_user_message()
    {
        var session = Session("s1");
        session.Messages = [new(ChatRole.System, "sys"), User("q1"), Assistant("a1"), User("q2"), Assistant("a2"), new(ChatRole.Tool, "t")];

        var layout = SessionRows.Flatten(session);

        Assert.Equal([1L, 2L, 2L, 3L, 3L, 3L], layout.Messages.Select(r => r.Turn));
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], layout.Messages.Select(r => r.Sequence));
        Assert.All(layout.Messages, r => Assert.True(r.InHistory && r.RunId is null));
        Assert.Equal(3, layout.RunCount);
    }

    [Fact]
    public void A_history_starting_with_an_assistant_message_starts_turn_one()
    {
        var session = Session("s1");
        session.Messages = [Assistant("hello"), User("q1")];
        Assert.Equal([1L, 2L], SessionRows.Flatten(session).Messages.Select(r => r.Turn));
    }

    [Fact]
    public void Run_messages_follow_the_history_tagged_with_their_run_and_kept_out_of_history()
    {
        var session = Session("s1");
        session.Messages = [User("q1"), Assistant("a1")];
        session.Runs = [Turn("r1", "x"), Turn("r2", "y")];

        var layout = SessionRows.Flatten(session);

        Assert.Equal([(1L, null, true), (1L, null, true), (1L, "r1", false), (1L, "r1", false), (2L, "r2", false), (2L, "r2", false)],
            layout.Messages.Select(r => (r.Turn, r.RunId, r.InHistory)));
        Assert.Equal([1L, 2L], layout.Runs.Select(r => r.Sequence));
        Assert.All(layout.Runs, r => Assert.Equal("s1", r.SessionId));
        Assert.Equal(2, layout.RunCount);
    }

    [Fact]
    public void Increasing_run_sequences_are_kept_and_the_next_run_follows_the_highest()
    {
        var session = Session("s1");
        var (a, b) = (Turn("r1", "x"), Turn("r2", "y"));
        (a.Sequence, b.Sequence) = (3, 7);
        session.Runs = [a, b];

        var layout = SessionRows.Flatten(session);

        Assert.Equal([3L, 7L], layout.Runs.Select(r => r.Sequence));
        Assert.Equal(7, layout.RunCount);
        Assert.Equal([3L, 3L, 7L, 7L], layout.Messages.Select(r => r.Turn));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 2)]
    [InlineData(5, 1)]
    public void Missing_or_non_increasing_run_sequences_are_renumbered_one_to_n(long first, long second)
    {
        var session = Session("s1");
        var (a, b) = (Turn("r1", "x"), Turn("r2", "y"));
        (a.Sequence, b.Sequence) = (first, second);
        session.Runs = [a, b];

        Assert.Equal([1L, 2L], SessionRows.Flatten(session).Runs.Select(r => r.Sequence));
    }

    [Fact]
    public void Flattening_does_not_change_the_given_runs()
    {
        var session = Session("s1");
        var run = Turn("r1", "x");
        session.Runs = [run];

        SessionRows.Flatten(session);

        Assert.Equal(0, run.Sequence);
        Assert.Null(run.SessionId);
    }

    [Fact]
    public void Turns_group_rows_by_turn_in_order_and_take_the_run_id_of_the_turn()
    {
        MessageRow Row(long seq, long turn, string? runId) => new(seq, turn, runId, true, User($"m{seq}"));
        var turns = SessionRows.Turns([Row(5, 3, "r3"), Row(1, 1, null), Row(4, 3, "r3"), Row(2, 1, null), Row(3, 2, "r2")]);

        Assert.Equal([1L, 2L, 3L], turns.Select(t => t.Turn));
        Assert.Equal([null, "r2", "r3"], turns.Select(t => t.RunId));
        Assert.Equal(["m4", "m5"], turns[2].Messages.Select(m => m.Text));
    }

    [Fact]
    public void Copying_a_head_deep_copies_its_maps_and_leaves_messages_and_runs_empty()
    {
        var session = Session("s1", "u1", "a1");
        session.Metadata = RichMap();
        session.Messages = [User("q")];
        session.Runs = [Turn("r1", "q")];
        session.SummaryWatermark = 4;

        var head = SessionRows.CopyHead(session);
        head.Metadata!["text"] = "changed";

        SameJson(RichMap(), session.Metadata);
        Assert.Equal(("s1", "u1", "a1", 4L), (head.SessionId, head.UserId, head.AgentId, head.SummaryWatermark));
        Assert.Empty(head.Messages);
        Assert.Empty(head.Runs);
    }
}
